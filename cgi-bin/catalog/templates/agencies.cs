<?cs set:Page.title = "Cơ quan" ?><?cs include:"header.cs" ?>
<h1>Cơ quan của <?cs var:Site.province ?></h1>
<p class="note">Mã cơ quan theo cấu trúc QCVN 102:2016. Mã cấp 1 của tỉnh, thành phố lấy theo nguồn công bố; mã các sở và xã, phường được gán tạm theo thứ tự cho tới khi tỉnh công bố mã chính thức.</p>
<h2>Ủy ban nhân dân và các sở</h2>
<ul class="list">
<?cs each:a = Catalog.Agencies ?>
  <li><a href="/catalog/agencies/<?cs var:a.code ?>"><?cs var:a.name ?></a> <span class="code"><?cs var:a.code ?></span></li>
<?cs /each ?>
</ul>
<h2>Ủy ban nhân dân <?cs var:Communes.count ?> xã, phường, đặc khu</h2>
<ul class="columns">
<?cs each:a = Communes ?>
  <li><a href="/catalog/agencies/<?cs var:a.code ?>"><?cs var:a.name ?></a></li>
<?cs /each ?>
</ul>
<?cs include:"footer.cs" ?>
