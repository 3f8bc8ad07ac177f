<?cs set:Page.title = "Kiểm tra biên lai" ?><?cs include:"header.cs" ?>
<h1>Kiểm tra biên lai</h1>
<?cs if:Verify.found == "1" ?>
  <?cs if:Receipt.kind == "cancellation" ?><p class="error" role="status"><strong>Thông báo hủy có thật</strong>: biên lai mẫu số <?cs var:Receipt.of_template ?>, ký hiệu <?cs var:Receipt.of_series ?>, số <?cs var:Receipt.of_number ?> ngày <?cs var:Receipt.of_date ?> đã bị hủy. Lý do: <?cs var:Receipt.reason ?>.</p>
  <?cs elif:Receipt.cancelled == "1" ?><p class="error" role="status">Biên lai này có thật nhưng <strong>đã bị hủy</strong> lúc <?cs var:Receipt.cancel.when ?>. Lý do: <?cs var:Receipt.cancel.reason ?>.</p>
  <?cs else ?><p class="ok" role="status"><strong>Biên lai hợp lệ</strong>, do Cổng dịch vụ công phát hành.</p><?cs /if ?>
  <?cs if:Receipt.kind == "adjustment" ?><p>Đây là biên lai điều chỉnh cho biên lai mẫu số <?cs var:Receipt.of_template ?>, ký hiệu <?cs var:Receipt.of_series ?>, số <?cs var:Receipt.of_number ?> ngày <?cs var:Receipt.of_date ?>. Lý do: <?cs var:Receipt.reason ?>.</p><?cs /if ?>
  <?cs each:a = Receipt.adjusted ?><p>Đã được điều chỉnh bởi biên lai số <?cs var:a.number ?> (<?cs var:a.template ?> – <?cs var:a.series ?>) lúc <?cs var:a.issued ?>, số tiền điều chỉnh <?cs var:a.amount ?> đồng. Lý do: <?cs var:a.reason ?>.</p><?cs /each ?>
  <dl class="facts">
    <dt>Đơn vị thu</dt><dd><?cs var:Receipt.unit ?> (MST <?cs var:Receipt.tax_code ?>)</dd>
    <?cs if:Receipt.kind != "cancellation" ?><dt>Mẫu số, ký hiệu, số</dt><dd><?cs var:Receipt.template ?> – <?cs var:Receipt.series ?> – số <?cs var:Receipt.number ?></dd><?cs /if ?>
    <dt>Người nộp</dt><dd><?cs var:Receipt.payer ?></dd>
    <dt><?cs if:Receipt.kind == "adjustment" ?>Số tiền điều chỉnh<?cs else ?>Số tiền<?cs /if ?></dt><dd><?cs var:Receipt.amount ?> đồng (<?cs var:Receipt.amount_words ?>)</dd>
    <dt>Thời điểm</dt><dd><?cs var:Receipt.issued ?></dd>
  </dl>
<?cs else ?>
  <p class="error" role="alert">Không tìm thấy biên lai nào khớp với mã kiểm tra này. Biên lai có thể bị làm giả.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
