/*
 * patient_index.h - the compact in-memory indexes behind the multi-table
 * layouts: interned strings (patient keys, codes, drug names), one small
 * record per patient, and per-patient lists of dated entries (diagnoses,
 * prescriptions) in compressed-row form. Built once on one thread, then
 * only read, so any number of workers may share them.
 */
#ifndef RXC_PATIENT_INDEX_H
#define RXC_PATIENT_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "rxcheck/common.h"

/* ---- interned strings ------------------------------------------------- */

/* Distinct byte strings, each stored once, numbered 0, 1, 2 ... in order
 * of first appearance. Zero-initialise; rxc__strtab_free. */
typedef struct rxc__strtab {
  char *bytes; /* every string back to back, each NUL-terminated */
  size_t nbytes, capbytes;
  uint32_t *off; /* start of string i in bytes */
  size_t n, capoff;
  uint32_t *slots; /* open addressing: id + 1, 0 empty */
  size_t nslots;   /* a power of two, or 0 */
} rxc__strtab;

/* The id of s[0..len), adding it when new. Returns 0, or -1 when out of
 * memory or past the 4 GiB / 4 G-entries limits. */
int rxc__strtab_intern(rxc__strtab *t, const char *s, size_t len,
                       uint32_t *id);
/* The id of s[0..len), or -1 when absent. */
long rxc__strtab_find(const rxc__strtab *t, const char *s, size_t len);
/* String i (NUL-terminated). */
rxc_str rxc__strtab_get(const rxc__strtab *t, uint32_t id);
/* Bytes held. */
size_t rxc__strtab_bytes(const rxc__strtab *t);
void rxc__strtab_free(rxc__strtab *t);

/* ---- dates as integers ------------------------------------------------- */

/* Dates as yyyymmdd, so that comparing the integers compares the dates.
 * RXC__DATE_MIN / _MAX stand for "no start" and "no end". */
#define RXC__DATE_MIN INT32_MIN
#define RXC__DATE_MAX INT32_MAX
static inline int32_t rxc__date_pack(rxc_date d) {
  return (int32_t)(d.year * 10000 + d.month * 100 + d.day);
}
static inline rxc_date rxc__date_unpack(int32_t v) {
  rxc_date d = {v / 10000, v / 100 % 100, v % 100};
  return d;
}
/* d plus `days` days (days >= 0), across months and years. */
rxc_date rxc__date_add_days(rxc_date d, long days);

/* ---- patients ------------------------------------------------------------ */

/* What the patients table says about one patient. 16 bytes. */
typedef struct rxc__patient {
  int32_t birth;       /* yyyymmdd, 0 unknown */
  int16_t anchor_age;  /* MIMIC-IV anchor_age, -1 unknown */
  int16_t anchor_year; /* MIMIC-IV anchor_year, 0 unknown */
  uint32_t sex;        /* id + 1 in the values table, 0 none */
  uint16_t country;    /* id + 1 in the values table, 0 none */
  uint16_t seen;       /* a patients-table row was loaded */
} rxc__patient;

/* ---- per-patient dated lists ------------------------------------------- */

/* A diagnosis: its code (id in the codes table) and when it holds. */
typedef struct rxc__dx_entry {
  uint32_t code;
  int32_t start, stop; /* yyyymmdd, or RXC__DATE_MIN / RXC__DATE_MAX */
} rxc__dx_entry;

/* A prescription: its name (id in the names table), when it is taken, and
 * its data row number in the prescriptions table (to leave out the row
 * itself when listing a row's co-medications). */
typedef struct rxc__rx_entry {
  uint32_t name;
  int32_t start, stop;
  uint32_t row;
} rxc__rx_entry;

/* Compressed rows: the entries of patient p are items[first[p] ..
 * first[p + 1]), in the order they were added. */
typedef struct rxc__csr {
  uint32_t *first; /* npatients + 1 */
  void *items;
  size_t n, size; /* entries, bytes per entry */
} rxc__csr;

/* Entries as they are loaded: the patient id, then the entry. */
typedef struct rxc__loading {
  unsigned char *data;
  size_t n, cap, size; /* size = 4 + entry size */
} rxc__loading;

int rxc__loading_add(rxc__loading *l, uint32_t patient, const void *entry);
void rxc__loading_free(rxc__loading *l);
/* Sorts the loaded entries by patient (stably) into *out and frees the
 * loading array. Returns 0, or -1 out of memory (then *l is kept). */
int rxc__csr_build(rxc__csr *out, rxc__loading *l, size_t npatients);
/* Entries of patient p: *n of them. */
const void *rxc__csr_get(const rxc__csr *c, uint32_t p, size_t *n);
size_t rxc__csr_bytes(const rxc__csr *c, size_t npatients);
void rxc__csr_free(rxc__csr *c);

#endif
