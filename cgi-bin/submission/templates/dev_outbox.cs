<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Thư, tin nhắn sẽ gửi</h1>
<p>Chỉ có ở môi trường thử (PORTAL_DEV_OUTBOX=1). Mới nhất ở trên. Dạng JSON: <a href="/dev/outbox.json">/dev/outbox.json</a>.</p>
<?cs if:!subcount(Outbox) ?><p>Chưa có thư hay tin nhắn nào.</p><?cs /if ?>
<ol class="history"><?cs each:o = Outbox ?><li><time><?cs var:o.created ?></time><br>
Gửi tới: <strong><?cs var:o.to ?></strong><br>
Tiêu đề: <?cs var:o.subject ?><br>
Nội dung: <span class="reason"><?cs var:o.body ?></span></li>
<?cs /each ?></ol>
<?cs include:"footer.cs" ?>
