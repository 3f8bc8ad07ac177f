<?cs set:Page.title = "Giao dịch cần hoàn tiền" ?><?cs include:"header.cs" ?><?cs include:"admin_menu.cs" ?>
<h1>Giao dịch thành công lần hai, cần hoàn tiền</h1>
<p>Người nộp đã trả tiền hai lần cho cùng một khoản. Lần sau được giữ lại và hoàn tiền tự động qua cổng thanh toán; khi ngân hàng từ chối, giao dịch chờ cán bộ quyết định gửi lại.</p>
<?cs if:Flagged.done ?><p class="ok" role="status">Đã gửi lại yêu cầu hoàn tiền.</p><?cs /if ?>
<?cs if:subcount(Rows) == 0 ?><p>Không có giao dịch nào.</p><?cs else ?>
<table class="lines totals">
<tr><th scope="row">Còn phải hoàn cho người nộp (<?cs var:Flagged.n_owed ?> giao dịch)</th><td class="num"><strong><?cs var:Flagged.owed ?> đồng</strong></td></tr>
<tr><th scope="row">Đã hoàn (<?cs var:Flagged.n_refunded ?> giao dịch)</th><td class="num"><?cs var:Flagged.refunded ?> đồng</td></tr>
</table>
<?cs if:Flagged.cut ?><p class="note" role="status">Chỉ hiện 200 giao dịch gần nhất; các số cộng ở trên tính đủ mọi giao dịch.</p><?cs /if ?>
<table class="queue">
<thead><tr><th scope="col">Mã thanh toán</th><th scope="col">Mã giao dịch</th><th scope="col" class="num">Số tiền (đồng)</th><th scope="col">Thanh toán lúc</th><th scope="col">Hoàn tiền</th></tr></thead>
<tbody>
<?cs each:r = Rows ?><tr>
  <td class="head"><?cs var:r.code ?><br><small><?cs var:r.obligation_vi ?></small></td>
  <td data-label="Mã giao dịch"><?cs var:r.txn_ref ?></td>
  <td data-label="Số tiền (đồng)"><?cs var:r.amount ?></td>
  <td data-label="Thanh toán lúc"><?cs var:r.settled ?></td>
  <td data-label="Hoàn tiền" data-state="<?cs var:r.state ?>"><?cs var:r.state_vi ?><?cs if:r.refunded ?> lúc <?cs var:r.refunded ?><?cs /if ?>
    <?cs if:r.tries > 0 && r.state != "refunded" ?><br><small>Đã thử <?cs var:r.tries ?> lần<?cs if:r.error ?>: <?cs var:r.error ?><?cs /if ?></small><?cs /if ?>
    <?cs if:r.state == "failed" ?>
    <form method="post" action="/payment/admin/flagged/<?cs var:r.txn_ref ?>/retry" class="stack">
      <input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>">
      <label for="ly_do_<?cs var:r.txn_ref ?>">Lý do gửi lại</label>
      <input id="ly_do_<?cs var:r.txn_ref ?>" name="ly_do" maxlength="500" required>
      <button type="submit">Gửi lại yêu cầu hoàn tiền</button>
    </form>
    <?cs /if ?></td>
</tr><?cs /each ?>
</tbody></table>
<?cs /if ?>
<?cs include:"footer.cs" ?>
