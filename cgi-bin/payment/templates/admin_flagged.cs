<?cs set:Page.title = "Giao dịch cần hoàn tiền" ?><?cs include:"header.cs" ?>
<h1>Giao dịch thành công lần hai, cần hoàn tiền</h1>
<table><thead><tr><th>Mã thanh toán</th><th>Mã giao dịch</th><th>Số tiền</th><th>Hoàn tiền</th><th>Lúc</th></tr></thead><tbody>
<?cs each:r = Rows ?><tr><td><?cs var:r.c0 ?></td><td><?cs var:r.c1 ?></td><td><?cs var:r.c2 ?></td><td><?cs var:r.c3 ?></td><td><?cs var:r.c4 ?></td></tr><?cs /each ?>
</tbody></table>
<?cs include:"footer.cs" ?>
