<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hướng dẫn: <?cs var:Proc.name ?></title>
<link rel="stylesheet" href="/static/guide.css">
</head>
<body>
<main class="guide">
<header>
  <img class="qr" src="/catalog/procedures/<?cs var:Proc.code ?>/qr.svg" width="128" height="128" alt="Mã QR tới trang thủ tục">
  <p class="org">Cổng dịch vụ công<?cs if:Site.province ?> <?cs var:Site.province ?><?cs /if ?></p>
  <h1><?cs var:Proc.name ?></h1>
  <p>Mã thủ tục <?cs var:Proc.code ?> · Quét mã QR để xem trên điện thoại: <?cs var:Proc.self_url ?></p>
</header>
<table class="facts">
  <tr><th scope="row">Nộp trực tuyến</th><td><?cs var:Proc.online ?></td></tr>
  <tr><th scope="row">Phí, lệ phí</th><td><?cs var:Proc.fee ?></td></tr>
  <tr><th scope="row">Thời hạn</th><td><?cs var:Proc.time ?></td></tr>
  <?cs if:Proc.agency ?><tr><th scope="row">Cơ quan thực hiện</th><td><?cs var:Proc.agency ?></td></tr><?cs /if ?>
</table>
<h2>Bước 1. Chuẩn bị giấy tờ</h2>
<?cs if:Proc.groups.0.name ?>
<?cs each:g = Proc.groups ?><h3><?cs var:g.name ?></h3><ul><?cs each:d = g.docs ?><li><span class="box" aria-hidden="true">☐</span> <?cs var:d.name ?><?cs if:d.quantity ?> (<?cs var:d.quantity ?>)<?cs /if ?></li><?cs /each ?></ul><?cs /each ?>
<?cs else ?><p>Hỏi cơ quan tiếp nhận về thành phần hồ sơ.</p><?cs /if ?>
<h2>Bước 2. Nộp hồ sơ</h2>
<ul><?cs each:c = Proc.channels ?><li><?cs var:c.name ?>: thời hạn <?cs var:c.time ?>, phí <?cs var:c.fee ?></li><?cs /each ?></ul>
<?cs if:Proc.steps.0 ?><h2>Bước 3. Trình tự giải quyết</h2><ol><?cs each:s = Proc.steps ?><li><?cs var:s ?></li><?cs /each ?></ol><?cs /if ?>
<?cs if:Proc.results.0 ?><h2>Kết quả</h2><ul><?cs each:x = Proc.results ?><li><?cs var:x ?></li><?cs /each ?></ul><?cs /if ?>
<?cs if:Proc.legal.0.code ?><h2>Căn cứ pháp lý</h2><p class="legal"><?cs each:l = Proc.legal ?><?cs var:l.code ?>; <?cs /each ?></p><?cs /if ?>
<p class="back"><a href="/catalog/procedures/<?cs var:Proc.code ?>">← Về trang thủ tục</a></p>
</main>
</body>
</html>
