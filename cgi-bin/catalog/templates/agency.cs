<?cs include:"macros.cs" ?><?cs set:Page.title = Agency.name ?><?cs include:"header.cs" ?>
<nav class="crumbs" aria-label="Vị trí"><a href="/">Trang chủ</a> › <a href="/catalog/agencies/">Cơ quan</a></nav>
<h1><?cs var:Agency.name ?></h1>
<p class="meta">Mã cơ quan <span class="code"><?cs var:Agency.code ?></span> (dạng ngắn <?cs var:Agency.short_code ?>)</p>
<?cs if:Agency.kind == "office" ?>
<p>Văn phòng Ủy ban nhân dân không trực tiếp tiếp nhận thủ tục của người dân; hãy tìm thủ tục theo <a href="/catalog/">danh mục</a>.</p>
<?cs else ?>
<p class="count"><?cs if:Agency.kind == "commune" ?>Các thủ tục cấp xã<?cs elif:Agency.kind == "department" ?>Các thủ tục cấp tỉnh do <?cs var:Agency.ministry ?> công bố<?cs else ?>Các thủ tục cấp tỉnh<?cs /if ?>: <?cs var:Result.total ?> thủ tục.</p>
<?cs call:result_list(Results) ?>
<?cs call:pager() ?>
<?cs /if ?>
<?cs include:"footer.cs" ?>
