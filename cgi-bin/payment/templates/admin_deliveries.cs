<?cs set:Page.title = "Gửi webhook" ?><?cs include:"header.cs" ?><?cs include:"admin_menu.cs" ?>
<h1>Nhật ký gửi webhook</h1>
<table><thead><tr><th>Sự kiện</th><th>Mã thanh toán</th><th>Địa chỉ</th><th>Lúc</th><th>HTTP</th><th>Lỗi</th></tr></thead><tbody>
<?cs each:r = Rows ?><tr><td><?cs var:r.c0 ?></td><td><?cs var:r.c1 ?></td><td><?cs var:r.c2 ?></td><td><?cs var:r.c3 ?></td><td><?cs var:r.c4 ?></td><td><?cs var:r.c5 ?></td></tr><?cs /each ?>
</tbody></table>
<?cs include:"footer.cs" ?>
