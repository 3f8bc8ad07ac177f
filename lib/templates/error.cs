<?cs set:Page.title = Error.title ?><?cs include:"header.cs" ?>
<section class="error" aria-labelledby="loi">
  <h1 id="loi"><?cs var:Error.title ?></h1>
  <p class="code">Mã lỗi <?cs var:Error.status ?></p>
  <?cs if:Error.message ?><p class="why"><?cs var:Error.message ?></p><?cs /if ?>
  <?cs if:Error.detail ?><p><?cs var:Error.detail ?></p><?cs /if ?>
  <p><?cs var:Error.help ?></p>
  <?cs if:Site.search ?><form class="search" action="<?cs var:Site.search ?>" method="get" role="search">
    <label for="q-err">Tìm thủ tục</label>
    <div class="row"><input id="q-err" name="q" type="search" maxlength="200"><button type="submit">Tìm</button></div>
  </form><?cs /if ?>
  <p><a href="/">Về trang chủ</a></p>
</section>
<?cs include:"footer.cs" ?>
