<?cs include:"macros.cs" ?><?cs if:Query.has_q ?><?cs set:Page.title = "Kết quả tìm: " + Query.q ?><?cs else ?><?cs set:Page.title = "Thủ tục hành chính" ?><?cs /if ?><?cs include:"header.cs" ?>
<h1><?cs if:Query.has_q ?>Kết quả tìm “<?cs var:Query.q ?>”<?cs else ?>Thủ tục hành chính<?cs /if ?></h1>
<?cs call:search_form("q", Query.q) ?>
<details class="filters"<?cs if:Query.field || Query.level || Query.online || Query.fee ?> open<?cs /if ?>>
<summary>Lọc kết quả</summary>
<form action="/catalog/search" method="get">
  <input type="hidden" name="q" value="<?cs var:Query.q ?>">
  <?cs if:Query.exact ?><input type="hidden" name="exact" value="1"><?cs /if ?>
  <label for="f-field">Lĩnh vực</label>
  <select id="f-field" name="field">
    <option value="">Tất cả lĩnh vực</option>
    <?cs each:f = Catalog.Fields ?><option value="<?cs var:f.id ?>"<?cs if:f.id == Query.field ?> selected<?cs /if ?>><?cs var:f.name ?> (<?cs var:f.count ?>)</option><?cs /each ?>
  </select>
  <label for="f-level">Cấp thực hiện</label>
  <select id="f-level" name="level">
    <option value="">Tất cả các cấp</option>
    <option value="xa"<?cs if:Query.level == "xa" ?> selected<?cs /if ?>>Cấp xã</option>
    <option value="tinh"<?cs if:Query.level == "tinh" ?> selected<?cs /if ?>>Cấp tỉnh</option>
    <option value="bo"<?cs if:Query.level == "bo" ?> selected<?cs /if ?>>Cấp bộ</option>
    <option value="khac"<?cs if:Query.level == "khac" ?> selected<?cs /if ?>>Cơ quan khác</option>
  </select>
  <label for="f-online">Nộp trực tuyến</label>
  <select id="f-online" name="online">
    <option value="">Tất cả</option>
    <option value="toan_trinh"<?cs if:Query.online == "toan_trinh" ?> selected<?cs /if ?>>Toàn trình</option>
    <option value="mot_phan"<?cs if:Query.online == "mot_phan" ?> selected<?cs /if ?>>Một phần</option>
    <option value="khong"<?cs if:Query.online == "khong" ?> selected<?cs /if ?>>Chưa trực tuyến</option>
  </select>
  <label for="f-fee">Phí, lệ phí</label>
  <select id="f-fee" name="fee">
    <option value="">Tất cả</option>
    <option value="khong"<?cs if:Query.fee == "khong" ?> selected<?cs /if ?>>Miễn phí</option>
    <option value="co"<?cs if:Query.fee == "co" ?> selected<?cs /if ?>>Có thu phí</option>
  </select>
  <button type="submit">Áp dụng</button>
</form>
</details>
<?cs if:Result.understood ?>
<p class="understood" role="status">Hiển thị kết quả cho: <strong><?cs var:Result.understood ?></strong>.
<?cs if:Result.corrected ?>Có thể bạn gõ nhầm một chữ. <?cs /if ?>Tìm đúng các từ đã gõ: <a href="<?cs var:Result.exact_url ?>"><?cs var:Query.q ?></a>.</p>
<?cs /if ?>
<?cs if:Result.total > 0 ?>
<p class="count" role="status">Tìm thấy <?cs var:Result.total_vi ?> thủ tục<?cs if:Page.count > 1 ?>, đang xem <?cs var:Page.first ?>–<?cs var:Page.last ?><?cs /if ?>.</p>
<?cs call:result_list(Results) ?>
<?cs call:pager() ?>
<?cs else ?>
<section class="empty" role="status">
  <h2>Không tìm thấy thủ tục nào</h2>
  <?cs if:Result.no_words ?><p>Ô tìm kiếm chỉ có dấu câu hoặc ký hiệu, chưa có chữ hay số nào để tìm.</p><?cs /if ?>
  <?cs each:w = Result.unknown ?><p>Không có thủ tục nào chứa từ “<?cs var:w ?>”.</p><?cs /each ?>
  <p>Bạn có thể thử:</p>
  <ul>
    <li>gõ ít từ hơn, chỉ giữ những từ chính (ví dụ “khai sinh” thay cho “làm giấy khai sinh cho con”);</li>
    <li>kiểm tra lại chính tả, có dấu hay không dấu đều được;</li>
    <li>bỏ bớt bộ lọc lĩnh vực, cấp thực hiện hoặc lệ phí;</li>
    <li>xem <a href="/catalog/">danh sách tất cả thủ tục</a> theo lĩnh vực.</li>
  </ul>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
