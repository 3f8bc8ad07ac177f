</main>
<footer class="site">
  <div class="wrap">
    <p>Cổng dịch vụ công<?cs if:Site.province ?> <?cs var:Site.province ?><?cs /if ?>. Thông tin thủ tục lấy từ Cơ sở dữ liệu quốc gia về thủ tục hành chính.</p>
  </div>
</footer>
</body>
</html>
