-- rotate.lua - wrk script: every request asks for another procedure's detail
-- page, cycling through all codes in $BENCH_CODES, so the page cache (8 MiB,
-- about 280 pages) mostly misses: the cost of rendering, not of remembering.
local codes = {}
for line in io.lines(os.getenv("BENCH_CODES")) do
	codes[#codes + 1] = line
end
local i = math.random(#codes)
request = function()
	i = i % #codes + 1
	return wrk.format("GET", "/catalog/procedures/" .. codes[i])
end
