<?cs include:"macros.cs" ?><?cs set:Page.title = "Trang nội bộ" ?><?cs include:"header.cs" ?>
<h1>Trang nội bộ cơ quan</h1>
<p>Trang dành cho cán bộ Bộ phận Một cửa và các cơ quan. Danh mục thủ tục đang có <?cs var:Catalog.Stats.procedures ?> thủ tục.</p>
<?cs call:search_form("q", "") ?>
<h2>Cơ quan của <?cs var:Site.province ?></h2>
<ul class="list">
<?cs each:a = Catalog.Agencies ?>
  <li><a href="/catalog/agencies/<?cs var:a.code ?>"><?cs var:a.name ?></a> <span class="code"><?cs var:a.code ?></span></li>
<?cs /each ?>
</ul>
<?cs include:"footer.cs" ?>
