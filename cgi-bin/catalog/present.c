/* present.c - see present.h */
#include "present.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "json.h"
#include "fees.h"
#include "render.h"
#include "vntext.h"

const char *number_vi(arena *a, long long v)
{
	buf b = BUF_INIT;
	vn_format_int(&b, v);
	char *s = arena_strdup(a, b.p);
	buf_free(&b);
	return s;
}

const char *money_vi(arena *a, long long dong)
{
	return arena_printf(a, "%s đồng", number_vi(a, dong));
}

const char *fee_summary_vi(arena *a, const proc *p)
{
	switch (p->fee_state) {
	case FEES_FREE:
		return "Miễn phí";
	case FEES_FEE:
		if (p->fee_min == p->fee_max)
			return money_vi(a, p->fee_min);
		if (p->fee_min == 0)
			return arena_printf(a, "Miễn phí hoặc %s, tùy cách nộp", money_vi(a, p->fee_max));
		return arena_printf(a, "Từ %s đến %s, tùy cách nộp", money_vi(a, p->fee_min),
				    money_vi(a, p->fee_max));
	default:
		return "Chưa rõ mức phí";
	}
}

const char *channel_fee_vi(arena *a, const channel *ch)
{
	if (ch->has_fee)
		return ch->fee == 0 ? "Miễn phí" : money_vi(a, ch->fee);
	return "Chưa rõ";
}

const char *time_vi(arena *a, int has, int value, int unit, const char *text)
{
	if (has && unit != TU_NONE)
		return arena_printf(a, "%d %s", value, time_unit_vi(unit));
	if (has)
		return arena_printf(a, "%d (nguồn không ghi đơn vị)", value);
	return text && *text ? text : "Chưa có thông tin";
}

const char *levels_vi(arena *a, unsigned lv)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{LV_MINISTRY, "Cấp bộ"}, {LV_PROVINCE, "Cấp tỉnh"},
		{LV_COMMUNE, "Cấp xã"}, {LV_OTHER, "Cơ quan khác"},
	};
	buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (lv & names[i].bit) {
			if (b.len)
				buf_puts(&b, ", ");
			buf_puts(&b, names[i].name);
		}
	char *s = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	return s;
}

const char *online_vi(int online)
{
	switch (online) {
	case ONLINE_FULL: return "Trực tuyến toàn trình";
	case ONLINE_PARTIAL: return "Trực tuyến một phần";
	default: return "Chưa nộp trực tuyến được";
	}
}

static const char *online_key(int online)
{
	return online == ONLINE_FULL ? "toan_trinh" : online == ONLINE_PARTIAL ? "mot_phan" : "khong";
}

/* Steps come as one text with "Bước 1:", "- " or new lines: one item per line. */
static void steps_hdf(request *r, const char *prefix, const char *text)
{
	int n = 0;
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *s = p;
		while (len && (*s == ' ' || *s == '\t' || *s == '-' || *s == '+'))
			s++, len--;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
			len--;
		if (len) {
			char name[96];
			snprintf(name, sizeof name, "%s.steps.%d", prefix, n++);
			hsetn(r, name, s, len);
		}
		p = e ? e + 1 : p + strlen(p);
	}
}

/* "0 bản chính,1 bản sao" -> "1 bản sao": a count of zero tells nobody
 * anything, and "0 bản chính" alone reads as "bring nothing". */
static const char *quantity_vi(arena *a, const char *q)
{
	buf b = BUF_INIT;
	const char *p = q;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		if (n && !(p[0] == '0' && n > 1 && p[1] == ' ')) {
			if (b.len)
				buf_puts(&b, ", ");
			buf_put(&b, p, n);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	char *s = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	return s;
}

void proc_hdf(request *r, const catalog *c, const proc *p, const char *prefix, int full)
{
	arena *a = r->a;
	hsetf(r, p->code, "%s.code", prefix);
	hsetf(r, p->name, "%s.name", prefix);
	hsetf(r, p->field >= 0 ? c->fields[p->field].name : "", "%s.field", prefix);
	hset_intf(r, p->field >= 0 ? c->fields[p->field].id : 0, "%s.field_id", prefix);
	hsetf(r, levels_vi(a, p->levels), "%s.levels", prefix);
	hsetf(r, online_vi(p->online), "%s.online", prefix);
	hsetf(r, online_key(p->online), "%s.online_key", prefix);
	hset_intf(r, p->online_derived, "%s.online_derived", prefix);
	hsetf(r, fee_summary_vi(a, p), "%s.fee", prefix);
	hset_intf(r, p->fee_state, "%s.fee_state", prefix);
	hsetf(r, time_vi(a, p->has_time, p->time_value, p->time_unit, p->time_text), "%s.time", prefix);
	if (!full)
		return;
	/* Where a citizen files it online: only a procedure with an online
	 * channel that an agency of the province receives (not one a ministry
	 * alone handles).  A setting, since the catalog can run without the
	 * submission area; empty offers no link. */
	const char *filing = conf_str("PORTAL_FILING_PATH", "/dossiers/new");
	if (*filing && p->online != ONLINE_NONE &&
	    !((p->levels & LV_MINISTRY) && !(p->levels & (LV_PROVINCE | LV_COMMUNE))))
		hsetf(r, arena_printf(a, "%s?procedure=%s", filing, p->code), "%s.file_url", prefix);
	hsetf(r, p->fee_text, "%s.fee_text", prefix);
	hsetf(r, p->ministry, "%s.ministry", prefix);
	hsetf(r, p->implementing_agency, "%s.agency", prefix);
	hsetf(r, p->competent_authority, "%s.authority", prefix);
	hsetf(r, p->target_subjects, "%s.subjects", prefix);
	hsetf(r, p->receiving_address, "%s.receiving", prefix);
	hsetf(r, p->conditions, "%s.conditions", prefix);
	hsetf(r, p->decision_no, "%s.decision", prefix);
	hsetf(r, p->source_url, "%s.source_url", prefix);
	for (int i = 0; i < p->nchannels; i++) {
		const channel *ch = &p->channels[i];
		hsetf(r, channel_name_vi(ch->kind), "%s.channels.%d.name", prefix, i);
		hsetf(r, time_vi(a, ch->has_time, ch->time_value, ch->time_unit, NULL),
		      "%s.channels.%d.time", prefix, i);
		hsetf(r, channel_fee_vi(a, ch), "%s.channels.%d.fee", prefix, i);
		/* The catalog's own words, where they say more than the amount
		 * (exemptions, per-copy fees) or where no amount is sure. */
		if (!ch->has_fee || strchr(ch->fee_text, '('))
			hsetf(r, ch->fee_text, "%s.channels.%d.fee_note", prefix, i);
	}
	/* Documents grouped as the catalog groups them. */
	int g = -1, k = 0;
	const char *group = NULL;
	for (int i = 0; i < p->ndocs; i++) {
		const document *d = &p->docs[i];
		if (!group || strcmp(group, d->group) != 0) {
			group = d->group;
			g++;
			k = 0;
			hsetf(r, *group ? group : "Giấy tờ cần có", "%s.groups.%d.name", prefix, g);
		}
		hsetf(r, vn_skip_bullet(d->name), "%s.groups.%d.docs.%d.name", prefix, g, k);
		hsetf(r, quantity_vi(a, d->quantity), "%s.groups.%d.docs.%d.quantity", prefix, g, k);
		hsetf(r, d->templates, "%s.groups.%d.docs.%d.templates", prefix, g, k);
		k++;
	}
	char sp[64];
	snprintf(sp, sizeof sp, "%s", prefix);
	steps_hdf(r, sp, p->steps_text);
	for (int i = 0; i < p->nresults; i++)
		hsetf(r, p->results[i].name, "%s.results.%d", prefix, i);
	for (int i = 0; i < p->nlegal; i++) {
		hsetf(r, p->legal[i].code, "%s.legal.%d.code", prefix, i);
		hsetf(r, p->legal[i].name, "%s.legal.%d.title", prefix, i);
	}
}

static void kv_str(buf *b, const char *key, const char *v, int comma)
{
	if (comma)
		buf_putc(b, ',');
	json_key(b, key);
	json_cstr(b, v);
}

static void kv_int(buf *b, const char *key, long long v, int has)
{
	buf_putc(b, ',');
	json_key(b, key);
	if (has)
		json_int(b, v);
	else
		buf_puts(b, "null");
}

/* ,"key":[{"code":…,"<text_key>":…},…] for results and legal basis */
static void named_json(buf *b, const char *key, const char *text_key, const named *v, int n)
{
	buf_putc(b, ',');
	json_key(b, key);
	buf_putc(b, '[');
	for (int i = 0; i < n; i++) {
		buf_puts(b, i ? ",{" : "{");
		kv_str(b, "code", v[i].code, 0);
		kv_str(b, text_key, v[i].name, 1);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

void proc_json(buf *b, arena *a, const catalog *c, const proc *p, int full)
{
	buf_putc(b, '{');
	kv_str(b, "code", p->code, 0);
	kv_str(b, "name", p->name, 1);
	kv_str(b, "field", p->field >= 0 ? c->fields[p->field].name : NULL, 1);
	kv_str(b, "levels", levels_vi(a, p->levels), 1);
	kv_str(b, "online_level", online_key(p->online), 1);
	buf_puts(b, ",\"online_level_derived\":");
	buf_puts(b, p->online_derived ? "true" : "false");
	kv_str(b, "fee_state", p->fee_state == FEES_FREE ? "free" : p->fee_state == FEES_FEE ? "fee" : "unknown", 1);
	kv_int(b, "fee_min", p->fee_min, p->has_fee_range);
	kv_int(b, "fee_max", p->fee_max, p->has_fee_range);
	kv_str(b, "fee_text", p->fee_text, 1);
	kv_int(b, "time_value", p->time_value, p->has_time);
	kv_str(b, "time_unit", p->has_time ? time_unit_db(p->time_unit) : NULL, 1);
	kv_str(b, "time_text", p->time_text, 1);
	kv_str(b, "url", arena_printf(a, "/catalog/procedures/%s", p->code), 1);
	if (full) {
		kv_str(b, "publishing_ministry", p->ministry, 1);
		kv_str(b, "implementing_agency", p->implementing_agency, 1);
		kv_str(b, "competent_authority", p->competent_authority, 1);
		kv_str(b, "target_subjects", p->target_subjects, 1);
		kv_str(b, "conditions", p->conditions, 1);
		kv_str(b, "steps", p->steps_text, 1);
		kv_str(b, "source_url", p->source_url, 1);
		buf_puts(b, ",\"channels\":[");
		for (int i = 0; i < p->nchannels; i++) {
			const channel *ch = &p->channels[i];
			buf_puts(b, i ? ",{" : "{");
			kv_str(b, "channel", channel_name_vi(ch->kind), 0);
			kv_int(b, "channel_code", ch->kind, 1);
			kv_int(b, "time_value", ch->time_value, ch->has_time);
			kv_str(b, "time_unit", ch->has_time ? time_unit_db(ch->time_unit) : NULL, 1);
			kv_int(b, "fee", ch->fee, ch->has_fee);
			kv_str(b, "fee_text", ch->fee_text, 1);
			buf_putc(b, '}');
		}
		buf_puts(b, "],\"documents\":[");
		for (int i = 0; i < p->ndocs; i++) {
			buf_puts(b, i ? ",{" : "{");
			kv_str(b, "group", p->docs[i].group, 0);
			kv_str(b, "name", p->docs[i].name, 1);
			kv_str(b, "quantity", p->docs[i].quantity, 1);
			kv_str(b, "templates", p->docs[i].templates, 1);
			buf_putc(b, '}');
		}
		buf_putc(b, ']');
		named_json(b, "results", "name", p->results, p->nresults);
		named_json(b, "legal_basis", "title", p->legal, p->nlegal);
	}
	buf_putc(b, '}');
}
