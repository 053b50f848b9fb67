/* idset.h — respondent ids seen so far, to reject duplicate submissions. Stores row numbers
 * only (4 bytes a slot); the ids themselves are read from the dataset's id column. */
#ifndef TS_INGEST_IDSET_H
#define TS_INGEST_IDSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct idset idset;

/* IDS points at the id column; it may move as the dataset grows: pass it to every call. */
idset *idset_new(void);
void idset_free(idset *s);
/* Look ID up; if absent, remember that it is at ROW and return -1; else return the row
 * that has it. Returns -2 when memory runs out. */
long idset_add(idset *s, const int64_t *ids, int64_t id, size_t row);

#endif
