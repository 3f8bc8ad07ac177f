<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs if:Page.title ?><?cs var:Page.title ?> – <?cs /if ?>Cổng dịch vụ công<?cs if:Site.province ?> <?cs var:Site.province ?><?cs /if ?></title>
<link rel="stylesheet" href="/static/portal.css">
</head>
<body>
<a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
<header class="site">
  <div class="wrap">
    <a class="brand" href="/"><span class="mark" aria-hidden="true">★</span> Cổng dịch vụ công<?cs if:Site.province ?><small><?cs var:Site.province ?></small><?cs /if ?></a>
    <?cs if:Site.intranet == "1" ?><span class="badge">Mạng nội bộ cơ quan</span><?cs /if ?>
    <nav aria-label="Điều hướng chính">
      <?cs if:Site.intranet == "1" ?><?cs each:item = Site.navi ?><a href="<?cs var:item.href ?>"><?cs var:item.label ?></a>
      <?cs /each ?><?cs else ?><?cs each:item = Site.nav ?><a href="<?cs var:item.href ?>"><?cs var:item.label ?></a>
      <?cs /each ?><?cs /if ?>
    </nav>
  </div>
</header>
<main id="noi-dung" class="wrap">
