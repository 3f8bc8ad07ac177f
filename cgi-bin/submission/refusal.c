/*
 * refusal.c - a refused form comes back filled in: the one way every form
 * of the submission area answers a POST it refuses.
 *
 * A refusal of a form a person typed (a wrong code, a number with a digit
 * missing, a file that is not a PDF, a supplement with no file, a fee with
 * no amount) shows the page of that form again, filled in with what they
 * typed, the reason next to the field it names: not the general error
 * page, whose only ways on are a search box and "Về trang chủ", and which
 * makes a person on a cheap phone type everything again.  Passwords,
 * codes and files are never sent back.  The status stays the refusal's
 * (400 for a field the route table refuses, 404, 409, 413, 422, 429), and
 * the message still names the field.
 *
 * The page data, the same on every page (macros.cs refused(), invalid()):
 *   Form.error        the reason, without its " (trường “x”)" tail
 *   Form.error_field  the field it names, if any (the page labels it)
 *   Form.error_detail a second sentence, if any
 *   Form.error_lead   what did not happen ("Chưa gửi được."), set by the page
 *   Form.which        the refused route's name: which form of a page with
 *                     several (the staff page, a dossier's) was refused
 *   Form.NAME         what was typed in field NAME (form_keep)
 */
#include <string.h>

#include "render.h"
#include "submission.h"

int form_refusal_set(request *r, int status)
{
	if (status < 400 || status >= 500 || r->want_json)
		return 0;
	/* A 403 that names no field is about who asks (a role, a session,
	 * another agency's dossier): the error page, with nothing of the
	 * page.  One that names a field refuses what was typed (an agency
	 * the administrator does not answer for), and the form says so. */
	if (status == 403 && !r->error.field)
		return 0;
	const char *msg = r->error.message ? r->error.message : r->error_detail;
	if (!msg)
		return 0;
	if (r->error.field) {
		/* lib/form.c words a refused field for any client ("Tham số
		 * “applicant_name” dài quá…"); on a form the field is the box
		 * the page marks and labels (Ô cần sửa: Họ và tên người nộp),
		 * so the sentence speaks of that box, not of a parameter */
		if (r->error.message && r->error.reason)
			msg = arena_printf(r->a, "Ô này %s", r->error.reason);
		/* the field's name apart, so the page can say it quietly */
		const char *tail = arena_printf(r->a, " (trường “%s”)", r->error.field);
		size_t n = strlen(msg), t = strlen(tail);
		if (n > t && strcmp(msg + n - t, tail) == 0)
			msg = arena_strndup(r->a, msg, n - t);
		hset(r, "Form.error_field", r->error.field);
	}
	hset(r, "Form.error", msg);
	if (r->error.message && r->error_detail)
		hset(r, "Form.error_detail", r->error_detail);
	if (r->route && r->route->name)
		hset(r, "Form.which", r->route->name);
	return 1;
}

int form_refused(request *r, int status, const char *tmpl)
{
	if (!form_refusal_set(r, status))
		return status;
	size_t mark = r->body->len;
	if (render(r, tmpl) != 200)
		r->body->len = mark;
	return status;
}

int form_page_refused(request *r, int status, int (*page)(request *r))
{
	if (!form_refusal_set(r, status))
		return status;
	form_error saved = r->error;
	const char *detail = r->error_detail;
	size_t mark = r->body->len;
	if (page(r) != 200) {
		/* the page could not be shown (another's dossier, the database
		 * away): the general error page, with the first refusal */
		r->body->len = mark;
		r->error = saved;
		r->error_detail = detail;
	}
	return status;
}

void form_keep(request *r, const char *name, const char *value)
{
	if (value)
		hset(r, arena_printf(r->a, "Form.%s", name), value);
}

const char *form_typed_value(request *r, const char *name, size_t max_chars)
{
	const field_value *v = NULL;
	for (const field_spec *f = r->route && r->route->form ? r->route->form : NULL;
	     f && f->name && r->form; f++)
		if (strcmp(f->name, name) == 0)
			v = &r->form[f - r->route->form];
	/* typed and checked when the fields passed; as sent when one of them
	 * was refused (r->form then holds only those before it) */
	return v && v->s ? v->s : form_typed(r->a, &r->form_pairs, name, max_chars);
}

void form_keep_typed(request *r, const char *name, size_t max_chars)
{
	form_keep(r, name, form_typed_value(r, name, max_chars));
}
