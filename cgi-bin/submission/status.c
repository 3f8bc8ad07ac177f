/*
 * status.c - the ten national statuses and the one table of moves between
 * them.  The desk's handlers check a move against this table, and the
 * dossier page lists its buttons from it: what is shown is what is allowed.
 *
 * Who does what follows the roles: the desk officer (tiếp nhận và
 * trả kết quả) receives or refuses, asks for supplements, records a
 * financial obligation and returns the result; the processing officer
 * processes, stops and finishes; the leader may make any move; the citizen
 * sends a supplement (5 → 4) and asks to withdraw (7); the portal itself
 * moves 6 → 4 when the payment area reports the obligation paid (paid.c).
 */
#include <stdio.h>

#include "submission.h"

#define DESK ROLE_DESK
#define PROC ROLE_PROCESSOR
#define LEAD ROLE_LEADER
#define CIT ACTOR_CITIZEN

static const char *const names[ST_MAX + 1] = {
	[ST_NEW] = "Mới đăng ký",
	[ST_ACCEPTED] = "Được tiếp nhận",
	[ST_REFUSED] = "Không được tiếp nhận",
	[ST_PROCESSING] = "Đang xử lý",
	[ST_SUPPLEMENT] = "Yêu cầu bổ sung giấy tờ",
	[ST_OBLIGATION] = "Yêu cầu thực hiện nghĩa vụ tài chính",
	[ST_WITHDRAWN] = "Công dân yêu cầu rút hồ sơ",
	[ST_STOPPED] = "Dừng xử lý",
	[ST_FINISHED] = "Đã xử lý xong",
	[ST_RETURNED] = "Đã trả kết quả",
};

static const char *const explain[ST_MAX + 1] = {
	[ST_NEW] = "Hồ sơ đã được gửi, đang chờ cán bộ một cửa kiểm tra.",
	[ST_ACCEPTED] = "Cán bộ đã nhận hồ sơ đầy đủ; thời hạn giải quyết bắt đầu tính.",
	[ST_REFUSED] = "Hồ sơ không được nhận; xem lý do bên dưới.",
	[ST_PROCESSING] = "Cơ quan đang giải quyết hồ sơ.",
	[ST_SUPPLEMENT] = "Cần gửi thêm giấy tờ; thời hạn tạm dừng cho tới khi bổ sung.",
	[ST_OBLIGATION] = "Cần nộp phí, lệ phí hoặc nghĩa vụ tài chính trước khi tiếp tục.",
	[ST_WITHDRAWN] = "Hồ sơ đã được rút theo yêu cầu.",
	[ST_STOPPED] = "Cơ quan đã dừng giải quyết hồ sơ; xem lý do bên dưới.",
	[ST_FINISHED] = "Đã có kết quả; chờ trả kết quả.",
	[ST_RETURNED] = "Kết quả đã được trả.",
};

static const transition table[] = {
	{ ST_NEW, ST_ACCEPTED, DESK | LEAD, 0, "Tiếp nhận hồ sơ" },
	{ ST_NEW, ST_REFUSED, DESK | LEAD, 1, "Không tiếp nhận" },
	{ ST_NEW, ST_SUPPLEMENT, DESK | LEAD, 1, "Yêu cầu bổ sung" },
	{ ST_NEW, ST_WITHDRAWN, DESK | LEAD | CIT, 0, "Rút hồ sơ" },
	{ ST_ACCEPTED, ST_PROCESSING, DESK | PROC | LEAD, 0, "Chuyển xử lý" },
	{ ST_ACCEPTED, ST_SUPPLEMENT, DESK | LEAD, 1, "Yêu cầu bổ sung" },
	{ ST_ACCEPTED, ST_OBLIGATION, DESK | LEAD, 0, "Yêu cầu nộp nghĩa vụ tài chính" },
	{ ST_ACCEPTED, ST_WITHDRAWN, DESK | LEAD | CIT, 0, "Rút hồ sơ" },
	{ ST_ACCEPTED, ST_STOPPED, PROC | LEAD, 1, "Dừng xử lý" },
	{ ST_PROCESSING, ST_SUPPLEMENT, DESK | PROC | LEAD, 1, "Yêu cầu bổ sung" },
	{ ST_PROCESSING, ST_OBLIGATION, DESK | LEAD, 0, "Yêu cầu nộp nghĩa vụ tài chính" },
	{ ST_PROCESSING, ST_WITHDRAWN, DESK | LEAD | CIT, 0, "Rút hồ sơ" },
	{ ST_PROCESSING, ST_STOPPED, PROC | LEAD, 1, "Dừng xử lý" },
	{ ST_PROCESSING, ST_FINISHED, PROC | LEAD, 0, "Đã xử lý xong" },
	{ ST_SUPPLEMENT, ST_PROCESSING, DESK | LEAD | CIT, 0, "Đã nhận đủ bổ sung" },
	{ ST_SUPPLEMENT, ST_WITHDRAWN, DESK | LEAD | CIT, 0, "Rút hồ sơ" },
	{ ST_SUPPLEMENT, ST_STOPPED, PROC | LEAD, 1, "Dừng xử lý" },
	{ ST_OBLIGATION, ST_PROCESSING, DESK | PROC | LEAD | ACTOR_SYSTEM, 0, "Đã nộp, tiếp tục xử lý" },
	{ ST_OBLIGATION, ST_WITHDRAWN, DESK | LEAD | CIT, 0, "Rút hồ sơ" },
	{ ST_OBLIGATION, ST_STOPPED, PROC | LEAD, 1, "Dừng xử lý" },
	{ ST_FINISHED, ST_RETURNED, DESK | LEAD, 0, "Trả kết quả" },
};

#define NTABLE (sizeof table / sizeof table[0])

const char *status_name(int s)
{
	return s >= 1 && s <= ST_MAX ? names[s] : "?";
}

const char *status_explain(int s)
{
	return s >= 1 && s <= ST_MAX ? explain[s] : "";
}

const transition *transition_find(int from, int to)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].from == from && table[i].to == to)
			return &table[i];
	return NULL;
}

size_t transitions_from(int from, unsigned actors, const transition **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < NTABLE && n < max; i++)
		if (table[i].from == from && (table[i].actors & actors))
			out[n++] = &table[i];
	return n;
}

const char *transition_refusal(arena *a, int from, int to)
{
	return arena_printf(a, "Hồ sơ đang ở trạng thái “%s” (%d), không thể chuyển sang “%s” (%d).",
			    status_name(from), from, status_name(to), to);
}
