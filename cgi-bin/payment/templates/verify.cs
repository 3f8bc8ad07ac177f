<?cs set:Page.title = "Kiểm tra biên lai" ?><?cs include:"header.cs" ?>
<h1>Kiểm tra biên lai</h1>
<?cs if:Verify.found == "1" ?>
  <?cs if:Receipt.cancelled == "1" ?><p class="error" role="status">Biên lai này có thật nhưng <strong>đã bị hủy</strong>.</p>
  <?cs else ?><p class="ok" role="status"><strong>Biên lai hợp lệ</strong>, do Cổng dịch vụ công phát hành.</p><?cs /if ?>
  <dl class="facts">
    <dt>Đơn vị thu</dt><dd><?cs var:Receipt.unit ?> (MST <?cs var:Receipt.tax_code ?>)</dd>
    <dt>Mẫu số, ký hiệu, số</dt><dd><?cs var:Receipt.template ?> – <?cs var:Receipt.series ?> – số <?cs var:Receipt.number ?></dd>
    <dt>Người nộp</dt><dd><?cs var:Receipt.payer ?></dd>
    <dt>Số tiền</dt><dd><?cs var:Receipt.amount ?> đồng (<?cs var:Receipt.amount_words ?>)</dd>
    <dt>Thời điểm</dt><dd><?cs var:Receipt.issued ?></dd>
  </dl>
<?cs else ?>
  <p class="error" role="alert">Không tìm thấy biên lai nào khớp với mã kiểm tra này. Biên lai có thể bị làm giả.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
