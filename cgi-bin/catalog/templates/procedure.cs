<?cs include:"macros.cs" ?><?cs set:Page.title = Proc.name ?><?cs include:"header.cs" ?>
<nav class="crumbs" aria-label="Vị trí"><a href="/">Trang chủ</a> › <a href="/catalog/">Thủ tục</a><?cs if:Proc.field ?> › <a href="/catalog/search?field=<?cs var:Proc.field_id ?>"><?cs var:Proc.field ?></a><?cs /if ?></nav>
<article class="proc">
<h1><?cs var:Proc.name ?></h1>
<p class="meta">Mã thủ tục <span class="code"><?cs var:Proc.code ?></span> · <?cs var:Proc.levels ?></p>

<dl class="facts">
  <div><dt>Nộp trực tuyến</dt><dd><span class="tag online-<?cs var:Proc.online_key ?>"><?cs var:Proc.online ?></span><?cs if:Proc.online_derived == "1" ?><small>Suy ra từ cách thức nộp hồ sơ, vì dữ liệu gốc không ghi mức độ trực tuyến.</small><?cs /if ?></dd></div>
  <div><dt>Phí, lệ phí</dt><dd><?cs var:Proc.fee ?><?cs if:Proc.fee_state == "0" && Proc.fee_text ?><small>Theo danh mục: “<?cs var:Proc.fee_text ?>”. Hãy hỏi cơ quan tiếp nhận để biết mức thu chính xác.</small><?cs /if ?></dd></div>
  <div><dt>Thời hạn giải quyết</dt><dd><?cs var:Proc.time ?></dd></div>
  <?cs if:Proc.agency ?><div><dt>Cơ quan thực hiện</dt><dd><?cs var:Proc.agency ?></dd></div><?cs /if ?>
</dl>
<?cs if:Proc.file_url ?><p><a class="button" href="<?cs var:Proc.file_url ?>">Nộp hồ sơ trực tuyến</a></p><?cs /if ?>

<?cs if:Proc.channels.0.name ?>
<section aria-labelledby="cach-nop">
<h2 id="cach-nop">Nộp hồ sơ ở đâu, mất bao lâu, bao nhiêu tiền</h2>
<table class="channels">
  <thead><tr><th scope="col">Cách nộp</th><th scope="col">Thời hạn</th><th scope="col">Phí, lệ phí</th></tr></thead>
  <tbody>
  <?cs each:c = Proc.channels ?>
    <tr><th scope="row"><?cs var:c.name ?></th><td><?cs var:c.time ?></td><td><?cs var:c.fee ?><?cs if:c.fee_note ?><small>Theo danh mục: “<?cs var:c.fee_note ?>”</small><?cs /if ?></td></tr>
  <?cs /each ?>
  </tbody>
</table>
<?cs if:Proc.receiving ?><p>Địa chỉ tiếp nhận: <?cs var:Proc.receiving ?></p><?cs /if ?>
</section>
<?cs /if ?>

<section aria-labelledby="giay-to">
<h2 id="giay-to">Cần mang theo</h2>
<?cs if:Proc.groups.0.name ?>
<?cs each:g = Proc.groups ?>
  <h3><?cs var:g.name ?></h3>
  <ul class="docs">
  <?cs each:d = g.docs ?>
    <li><?cs var:d.name ?><?cs if:d.quantity ?> <span class="qty">(<?cs var:d.quantity ?>)</span><?cs /if ?><?cs if:d.templates ?><br><span class="form">Mẫu đơn, tờ khai: <a href="<?cs var:Proc.source_url ?>" rel="external"><?cs var:d.templates ?></a> (tải tại Cổng Dịch vụ công quốc gia)</span><?cs /if ?></li>
  <?cs /each ?>
  </ul>
<?cs /each ?>
<?cs else ?>
<p>Danh mục chưa ghi thành phần hồ sơ của thủ tục này. Hãy hỏi cơ quan tiếp nhận.</p>
<?cs /if ?>
</section>

<?cs if:Proc.steps.0 ?>
<section aria-labelledby="trinh-tu">
<h2 id="trinh-tu">Các bước thực hiện</h2>
<ol class="steps"><?cs each:s = Proc.steps ?><li><?cs var:s ?></li><?cs /each ?></ol>
</section>
<?cs /if ?>

<?cs if:Proc.results.0 ?>
<section aria-labelledby="ket-qua">
<h2 id="ket-qua">Bạn sẽ nhận được</h2>
<ul><?cs each:x = Proc.results ?><li><?cs var:x ?></li><?cs /each ?></ul>
</section>
<?cs /if ?>

<section aria-labelledby="them">
<h2 id="them">Thông tin thêm</h2>
<dl class="more">
  <?cs if:Proc.subjects ?><dt>Đối tượng thực hiện</dt><dd><?cs var:Proc.subjects ?></dd><?cs /if ?>
  <?cs if:Proc.authority ?><dt>Cơ quan có thẩm quyền</dt><dd><?cs var:Proc.authority ?></dd><?cs /if ?>
  <?cs if:Proc.conditions ?><dt>Yêu cầu, điều kiện</dt><dd><?cs var:Proc.conditions ?></dd><?cs /if ?>
  <?cs if:Proc.field ?><dt>Lĩnh vực</dt><dd><?cs var:Proc.field ?></dd><?cs /if ?>
  <?cs if:Proc.ministry ?><dt>Cơ quan ban hành</dt><dd><?cs var:Proc.ministry ?><?cs if:Proc.decision ?>, quyết định công bố <?cs var:Proc.decision ?><?cs /if ?></dd><?cs /if ?>
</dl>
</section>

<?cs if:Proc.legal.0.code ?>
<section aria-labelledby="can-cu">
<h2 id="can-cu">Căn cứ pháp lý</h2>
<ul class="legal"><?cs each:l = Proc.legal ?><li><span class="code"><?cs var:l.code ?></span> <?cs var:l.title ?></li><?cs /each ?></ul>
</section>
<?cs /if ?>

<section class="share" aria-labelledby="in">
<h2 id="in">In hướng dẫn, mã QR</h2>
<img src="/catalog/procedures/<?cs var:Proc.code ?>/qr.svg" width="148" height="148" alt="Mã QR dẫn tới trang này">
<p><a href="/catalog/procedures/<?cs var:Proc.code ?>/guide">Bản hướng dẫn in khổ A4</a> · <a href="/catalog/procedures/<?cs var:Proc.code ?>/qr.png">Mã QR dạng ảnh PNG</a><?cs if:Proc.source_url ?> · <a href="<?cs var:Proc.source_url ?>" rel="external">Xem trên Cổng Dịch vụ công quốc gia</a><?cs /if ?></p>
</section>
</article>
<?cs include:"footer.cs" ?>
