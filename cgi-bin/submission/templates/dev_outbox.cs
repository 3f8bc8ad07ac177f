<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Thư, tin nhắn sẽ gửi</h1>
<p>Chỉ có ở môi trường thử (PORTAL_DEV_OUTBOX=1). Mới nhất ở trên. Dạng JSON: <a href="/dev/outbox.json">/dev/outbox.json</a>.</p>
<ul class="list"><?cs each:o = Outbox ?><li><time><?cs var:o.created ?></time><pre><?cs var:o.json ?></pre></li><?cs /each ?></ul>
<?cs include:"footer.cs" ?>
