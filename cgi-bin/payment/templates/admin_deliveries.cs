<?cs set:Page.title = "Nhật ký báo tin cho hệ thống của cơ quan" ?><?cs include:"header.cs" ?><?cs include:"admin_menu.cs" ?>
<h1>Nhật ký báo tin cho hệ thống của cơ quan</h1>
<p>Mỗi khi một khoản được nộp, hoàn tiền, hủy hoặc quá hạn, cổng báo tin tới địa chỉ mà cơ quan đã đăng ký. Lần báo tin không thành công được gửi lại tự động.</p>
<?cs if:subcount(Rows) == 0 ?><p>Chưa có lần báo tin nào.</p><?cs else ?>
<?cs if:Deliv.cut ?><p class="note" role="status">Chỉ hiện 200 lần báo tin gần nhất; các lần trước đó không hiện trên trang này.</p><?cs /if ?>
<table class="queue"><thead><tr><th scope="col">Lúc</th><th scope="col">Sự kiện</th><th scope="col">Mã thanh toán</th><th scope="col">Kết quả</th><th scope="col">Địa chỉ nhận</th></tr></thead><tbody>
<?cs each:x = Rows ?><tr data-state="<?cs var:x.state ?>"><td data-label="Lúc"><?cs var:x.at ?></td><td data-label="Sự kiện"><?cs var:x.event ?></td><td data-label="Mã thanh toán"><?cs var:x.code ?></td><td data-label="Kết quả"><?cs var:x.outcome ?></td><td data-label="Địa chỉ nhận"><small><?cs var:x.url ?></small></td></tr>
<?cs /each ?></tbody></table>
<?cs /if ?>
<?cs include:"footer.cs" ?>
