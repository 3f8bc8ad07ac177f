<?cs set:Page.title = "Các khoản phải nộp tìm thấy" ?><?cs include:"header.cs" ?>
<h1>Các khoản phải nộp</h1>
<p>Số tham chiếu <strong><?cs var:Find.reference ?></strong> có nhiều khoản phải nộp. Khoản chưa nộp ở trên cùng; chọn khoản bạn muốn xem hoặc nộp.</p>
<ul class="results">
<?cs each:o = Found ?>  <li><a href="/pay/<?cs var:o.code ?>"><strong><?cs var:o.group ?></strong>: <?cs var:o.total ?> đồng</a><br>
    <?cs var:o.status ?><?cs if:o.due ?> · hạn nộp <?cs var:o.due ?><?cs /if ?> · mã thanh toán <?cs var:o.code_shown ?></li>
<?cs /each ?></ul>
<?cs if:Find.more ?><p>Chỉ hiện 20 khoản: khoản chưa nộp trước, khoản mới trước. Khoản cũ hơn không có trong danh sách này; hãy tìm bằng mã thanh toán 12 chữ số in trên giấy báo hoặc hóa đơn của khoản đó.</p>
<?cs /if ?><p><a href="/pay/">Tìm khoản khác</a></p>
<?cs include:"footer.cs" ?>
