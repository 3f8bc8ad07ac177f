<?cs include:"macros.cs" ?><?cs set:Page.title = "Tìm kiếm không có kết quả" ?><?cs include:"header.cs" ?>
<h1>Người dân tìm mà không thấy</h1>
<p>Những từ người dân gõ vào ô tìm kiếm mà danh mục không tìm được thủ tục nào, từ nhiều lần nhất. Chỉ giữ các từ, không giữ ai đã tìm. Từ điển tìm kiếm đang có <?cs var:Dict.count ?> mục.</p>
<?cs if:Form.saved ?><p class="notice" role="status">Đã thêm “<?cs var:Form.saved ?>” vào từ điển. Lần tìm kiếm tiếp theo sẽ dùng ngay.</p><?cs /if ?>
<?cs if:Form.error ?><p class="error" role="alert"><?cs var:Form.error ?></p><?cs /if ?>
<h2>Thêm một cách hiểu</h2>
<form method="post" action="/catalog/admin/search-misses" class="entry">
  <input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>">
  <label for="e-phrase">Người dân gõ</label>
  <input id="e-phrase" name="phrase" maxlength="100" required value="<?cs var:Form.phrase ?>">
  <label for="e-expansion">Nghĩa là (từ ngữ của danh mục; nhiều cách hiểu thì cách nhau bằng “|”)</label>
  <input id="e-expansion" name="expansion" maxlength="400" value="<?cs var:Form.expansion ?>">
  <label for="e-kind">Loại</label>
  <select id="e-kind" name="kind">
    <option value="tu">Từ thường dùng</option>
    <option value="viettat">Chữ viết tắt, mã mẫu đơn</option>
    <option value="hutu">Từ đệm, từ để hỏi (không cần nghĩa)</option>
  </select>
  <label for="e-reason">Vì sao hiểu như vậy</label>
  <input id="e-reason" name="reason" maxlength="300" required value="<?cs var:Form.reason ?>">
  <button type="submit">Thêm vào từ điển</button>
</form>
<h2>Các lần tìm không thấy</h2>
<?cs if:Misses.count > 0 ?>
<table class="misses">
  <thead><tr><th scope="col">Người dân gõ</th><th scope="col">Số lần</th><th scope="col">Lần cuối</th><th scope="col">Trong từ điển</th><th scope="col"></th></tr></thead>
  <tbody>
  <?cs each:m = Misses ?><?cs if:m.shown ?>
  <tr>
    <td><?cs var:m.shown ?></td><td><?cs var:m.n ?></td><td><?cs var:m.last_seen ?></td>
    <td><?cs if:m.mapped ?><?cs var:m.mapped ?><?cs else ?>chưa có<?cs /if ?></td>
    <td><a href="<?cs var:m.url ?>">Thử tìm</a></td>
  </tr>
  <?cs /if ?><?cs /each ?>
  </tbody>
</table>
<?cs else ?>
<p>Chưa có lần tìm nào không thấy kết quả.</p>
<?cs /if ?>
<?cs if:Staff.0.phrase ?>
<h2>Các mục cán bộ đã thêm</h2>
<table class="misses">
  <thead><tr><th scope="col">Người dân gõ</th><th scope="col">Nghĩa là</th><th scope="col">Loại</th><th scope="col">Lý do</th></tr></thead>
  <tbody>
  <?cs each:e = Staff ?><tr><td><?cs var:e.phrase ?></td><td><?cs var:e.expansion ?></td><td><?cs var:e.kind ?></td><td><?cs var:e.reason ?></td></tr><?cs /each ?>
  </tbody>
</table>
<?cs /if ?>
<?cs include:"footer.cs" ?>
