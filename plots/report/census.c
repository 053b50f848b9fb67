/* census.c — what the report says differently for a census ([design] type = census, issue #16)
 * and for organisations as units ([privacy] units): the word for a unit and whether the
 * tables carry sampling error at all. One place, so the cover, the methods page, the tables
 * and the workbook cannot disagree. */
#include <string.h>

#include "i18n.h"
#include "report.h"

int rp_census(const rp_ctx *c)
{
    return c->design.type == TS_DESIGN_CENSUS;
}

int rp_organisations(const rp_ctx *c)
{
    return strcmp(rp_get(c, "privacy", "units", NULL), "organisations") == 0;
}

const char *rp_unit_ja(const rp_ctx *c)
{
    return rp_organisations(c) ? TR("団体") : TR("人"); /* en: " organisations", "" */
}

const char *rp_respondents_ja(const rp_ctx *c)
{
    return rp_organisations(c) ? TR("回答団体") : TR("回答者");
}
