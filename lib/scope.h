/*
 * scope.h - whom a staff member answers for: the one statement of that
 * rule, for every area that shows staff an agency's work.
 *
 * Their own agency; and for an administrator of a province (or its
 * office) every agency whose parent is that province.  The dossier queue,
 * the dossier pages and the staff accounts page (cgi-bin/submission) and
 * the payment notice of a dossier's obligation (cgi-bin/payment/notice.c)
 * all read it from here, so a page that links somewhere and the page it
 * links to never disagree about who may open it.  Each reads the catalog's
 * agency table only (every area's user may SELECT it).
 */
#ifndef PORTAL_SCOPE_H
#define PORTAL_SCOPE_H

/* s: the staff member's agency, t: an agency answered for.  One
 * parameter: is_admin (int). */
#define SCOPE_JOIN \
	"t.id = s.id OR (? = 1 AND s.kind IN ('province', 'office') AND " \
	"IF(s.kind = 'province', s.id, s.parent_id) IN (t.id, t.parent_id))"
/* The agencies a staff member answers for.  Two parameters: is_admin
 * (int), the staff agency. */
#define SCOPE_AGENCIES "SELECT t.code FROM agency s JOIN agency t ON " SCOPE_JOIN " WHERE s.code = ?"
/* The same rule read the other way: the agencies whose staff answer for
 * agency t (with 1 first: whose administrators do).  Two parameters:
 * is_admin (int), the agency answered for. */
#define SCOPE_ANSWERED_BY "SELECT s.code FROM agency t JOIN agency s ON " SCOPE_JOIN " WHERE t.code = ?"
/* 1 when the staff member answers for one agency, else 0.  Three
 * parameters: is_admin (int), the staff agency, the agency in question. */
#define SCOPE_COVERS "SELECT COUNT(*) FROM (" SCOPE_AGENCIES ") a WHERE a.code = ?"

#endif
