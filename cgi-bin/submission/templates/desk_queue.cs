<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Hồ sơ của cơ quan <?cs var:Session.agency ?></h1>
<p class="counts"><?cs each:c = Counts ?><a href="/desk/?status=<?cs var:c.n ?>"><?cs var:c.name ?>: <strong><?cs var:c.count ?></strong></a> · <?cs /each ?><a href="/desk/?due=soon">Sắp đến hạn</a> · <a href="/desk/?due=late">Quá hạn</a> · <a href="/desk/">Tất cả</a></p>
<p><a href="/desk/sync">Đồng bộ chưa xong</a><?cs if:Desk.admin ?> · <a href="/desk/staff">Tài khoản cán bộ</a><?cs /if ?></p>
<form method="get" action="/desk/dossiers/new" class="form inline"><label for="procedure">Nộp hộ (mã thủ tục)</label> <input id="procedure" name="procedure" maxlength="16" placeholder="1.001193"> <button type="submit">Mở mẫu</button></form>
<table class="queue">
<tr><th scope="col">Mã hồ sơ</th><th scope="col">Thủ tục</th><th scope="col">Người nộp</th><th scope="col">Kênh</th><th scope="col">Trạng thái</th><th scope="col">Hẹn trả</th></tr>
<?cs each:q = Queue ?><tr<?cs if:q.late ?> class="late"<?cs /if ?>><td><a href="/desk/dossiers/<?cs var:q.code ?>"><?cs var:q.code ?></a></td><td><?cs var:q.procedure ?></td><td><?cs var:q.applicant ?></td><td><?cs call:channel_name(q.channel) ?></td><td><?cs var:q.status ?></td><td><?cs var:q.due ?><?cs if:q.late ?> (quá hạn)<?cs /if ?></td></tr>
<?cs /each ?></table>
<form method="post" action="/desk/logout"><?cs call:csrf() ?><button type="submit" class="link">Đăng xuất</button></form>
<?cs include:"footer.cs" ?>
