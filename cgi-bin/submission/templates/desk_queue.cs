<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Hồ sơ của <?cs alt:Desk.agency_name ?>cơ quan <?cs var:Session.agency ?><?cs /alt ?></h1>
<p class="filter" id="dang-xem">Đang xem: <strong><?cs if:Filter.any ?><?cs if:Filter.due ?><?cs var:Filter.due ?><?cs /if ?><?cs if:Filter.status ?><?cs if:Filter.due ?> · <?cs /if ?><?cs var:Filter.status ?><?cs /if ?><?cs if:Filter.procedure ?><?cs if:Filter.due || Filter.status ?> · <?cs /if ?><?cs var:Filter.procedure ?><?cs /if ?><?cs if:Filter.channel ?><?cs if:Filter.due || Filter.status || Filter.procedure ?> · <?cs /if ?><?cs var:Filter.channel ?><?cs /if ?><?cs else ?>tất cả hồ sơ<?cs /if ?></strong> – <?cs var:Filter.shown ?> hồ sơ<?cs if:Filter.more ?> (chỉ hiện 200 hồ sơ đầu, hãy lọc thêm)<?cs /if ?><?cs if:Filter.any ?> · <a href="/desk/">Bỏ lọc</a><?cs /if ?></p>
<p class="counts due"><a class="late" href="<?cs var:Due.late_href ?>"<?cs if:Filter.due == "Quá hạn" ?> aria-current="page"<?cs /if ?>>Quá hạn: <strong><?cs var:Due.late ?></strong></a> <a href="<?cs var:Due.soon_href ?>"<?cs if:Filter.due && Filter.due != "Quá hạn" ?> aria-current="page"<?cs /if ?>>Sắp đến hạn: <strong><?cs var:Due.soon ?></strong></a></p>
<h2 class="counts-title">Theo trạng thái</h2>
<p class="counts"><?cs each:c = Counts ?><a href="<?cs var:c.href ?>"<?cs if:c.on ?> aria-current="page"<?cs /if ?>><?cs var:c.name ?>: <strong><?cs var:c.count ?></strong></a><?cs /each ?></p>
<?cs if:subcount(Procs) ?><h2 class="counts-title">Theo thủ tục</h2>
<p class="counts procs"><?cs each:p = Procs ?><a href="<?cs var:p.href ?>"<?cs if:p.on ?> aria-current="page"<?cs /if ?>><?cs var:p.name ?>: <strong><?cs var:p.count ?></strong></a><?cs /each ?></p><?cs /if ?>
<?cs if:subcount(Channels) ?><h2 class="counts-title">Theo cách nộp</h2>
<p class="counts"><?cs each:h = Channels ?><a href="<?cs var:h.href ?>"<?cs if:h.on ?> aria-current="page"<?cs /if ?>><?cs var:h.name ?>: <strong><?cs var:h.count ?></strong></a><?cs /each ?></p><?cs /if ?>
<p><a href="/desk/sync">Đồng bộ chưa xong</a><?cs if:Desk.admin ?> · <a href="/desk/staff">Tài khoản cán bộ</a><?cs /if ?></p>
<form method="get" action="/desk/dossiers/new" class="form inline"><label for="procedure">Nộp hộ (mã thủ tục)</label> <input id="procedure" name="procedure" maxlength="16" placeholder="1.001193"> <button type="submit">Mở mẫu</button></form>
<table class="queue">
<tr><th scope="col">Mã hồ sơ</th><th scope="col">Thủ tục</th><th scope="col">Người nộp</th><th scope="col">Cách nộp</th><th scope="col">Trạng thái</th><th scope="col">Hẹn trả</th></tr>
<?cs each:q = Queue ?><tr<?cs if:q.late ?> class="late"<?cs /if ?>><td class="code"><a href="/desk/dossiers/<?cs var:q.code ?>"><?cs var:q.code ?></a></td><td data-label="Thủ tục"><?cs var:q.procedure ?></td><td data-label="Người nộp"><?cs var:q.applicant ?></td><td data-label="Cách nộp"><?cs call:channel_name(q.channel) ?></td><td data-label="Trạng thái" class="status s<?cs var:q.status_n ?>"><?cs var:q.status ?></td><td data-label="Hẹn trả"><?cs if:q.due ?><?cs var:q.due ?><?cs else ?>–<?cs /if ?><?cs if:q.late ?> <strong>(quá hạn)</strong><?cs /if ?></td></tr>
<?cs /each ?></table>
<?cs if:!subcount(Queue) ?><p>Không có hồ sơ nào trong bộ lọc này. <a href="/desk/">Xem tất cả hồ sơ</a>.</p><?cs /if ?>
<form method="post" action="/desk/logout"><?cs call:csrf() ?><button type="submit" class="link">Đăng xuất</button></form>
<?cs include:"footer.cs" ?>
