<?cs def:search_form(id, value) ?>
<form class="search" action="/catalog/search" method="get" role="search">
  <label for="<?cs var:id ?>">Bạn cần làm thủ tục gì?</label>
  <div class="row">
    <input id="<?cs var:id ?>" name="q" type="search" maxlength="200" value="<?cs var:value ?>" placeholder="Ví dụ: đăng ký khai sinh" autocomplete="off">
    <button type="submit">Tìm</button>
  </div>
</form>
<?cs /def ?>
<?cs def:result_list(items) ?>
<ol class="results">
<?cs each:p = items ?>
  <li>
    <a href="/catalog/procedures/<?cs var:p.code ?>"><?cs var:p.name ?></a>
    <p class="meta"><span class="code"><?cs var:p.code ?></span><?cs if:p.field ?> · <?cs var:p.field ?><?cs /if ?> · <?cs var:p.levels ?></p>
    <p class="facts"><span class="tag online-<?cs var:p.online_key ?>"><?cs var:p.online ?></span> <span>Lệ phí: <?cs var:p.fee ?></span> <span>Thời hạn: <?cs var:p.time ?></span></p>
  </li>
<?cs /each ?>
</ol>
<?cs /def ?>
<?cs def:pager() ?>
<?cs if:Page.count > 1 ?>
<nav class="pager" aria-label="Phân trang">
  <?cs if:Page.prev ?><a rel="prev" href="<?cs var:Page.base ?>page=<?cs var:Page.prev ?>">← Trang trước</a><?cs /if ?>
  <span>Trang <?cs var:Page.current ?> / <?cs var:Page.count ?></span>
  <?cs if:Page.next ?><a rel="next" href="<?cs var:Page.base ?>page=<?cs var:Page.next ?>">Trang sau →</a><?cs /if ?>
</nav>
<?cs /if ?>
<?cs /def ?>
