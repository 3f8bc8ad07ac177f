<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<section class="hero">
  <h1>Tìm và làm thủ tục hành chính</h1>
  <p>Gõ tên việc bạn cần làm, có dấu hay không dấu đều được.</p>
  <?cs call:search_form("q", "") ?>
</section>
<section aria-labelledby="linh-vuc">
  <h2 id="linh-vuc">Lĩnh vực nhiều người cần</h2>
  <ul class="tiles">
  <?cs each:f = Catalog.Common ?>
    <li><a href="/catalog/search?field=<?cs var:f.id ?>"><?cs var:f.name ?><small><?cs var:f.count ?> thủ tục</small></a></li>
  <?cs /each ?>
  </ul>
  <p><a href="/catalog/">Xem tất cả <?cs var:Catalog.Stats.procedures ?> thủ tục và mọi lĩnh vực</a></p>
</section>
<section aria-labelledby="co-quan">
  <h2 id="co-quan">Cơ quan của <?cs var:Site.province ?></h2>
  <ul class="list">
  <?cs each:a = Catalog.Agencies ?>
    <li><a href="/catalog/agencies/<?cs var:a.code ?>"><?cs var:a.name ?></a></li>
  <?cs /each ?>
  </ul>
  <p><a href="/catalog/agencies/">Ủy ban nhân dân <?cs var:Catalog.Stats.communes ?> xã, phường</a></p>
</section>
<?cs include:"footer.cs" ?>
