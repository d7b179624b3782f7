/* gen-export: writes a deterministic, realistic prescription export for the
 * benchmark (issue 6).
 *
 *   gen-export N [SEED] > export.csv
 *
 * N data rows after the 14-column header of the product contract. The same
 * N and SEED always give the same bytes, on any platform: the only source of
 * randomness is a splitmix64 generator, and no floating point is used.
 *
 * About 3% of the rows are fluvoxamine (varied brand and generic names,
 * forms, codes, sometimes a code with no name); the rest are common drugs,
 * including look-alikes (fluoxetine, fluvastatin, fluphenazine). Drug-name
 * strings repeat as they do in real exports, with a few unique ones. Some
 * fields are quoted with embedded commas, doubled quotes and (rarely) line
 * breaks, so the CSV parser does real work. Rows average about 180 bytes.
 *
 * Exit status: 0 on success, 1 on a write error, 2 on a usage error. */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- output buffer ------------------------------------------------------ */

enum { OUT_CAP = 1 << 20, ROW_MAX = 4096 };

static char out_buf[OUT_CAP];
static size_t out_len;
static int out_err;

static void out_flush(void) {
  if (out_len && fwrite(out_buf, 1, out_len, stdout) != out_len) out_err = 1;
  out_len = 0;
}

static void put_mem(const char *s, size_t n) {
  memcpy(out_buf + out_len, s, n);
  out_len += n;
}

static void put_str(const char *s) { put_mem(s, strlen(s)); }

static void put_ch(char c) { out_buf[out_len++] = c; }

/* Writes v in decimal, left-padded with zeros to at least width digits. */
static void put_uint(uint64_t v, int width) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  while (n < width) tmp[n++] = '0';
  while (n) put_ch(tmp[--n]);
}

/* Writes one CSV field: quoted, with quotes doubled, when it needs it. */
static void put_field(const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    put_str(s);
    return;
  }
  put_ch('"');
  for (; *s; s++) {
    if (*s == '"') put_ch('"');
    put_ch(*s);
  }
  put_ch('"');
}

/* ---- the generator ---------------------------------------------------- */

static uint64_t rng_state;

static uint64_t next64(void) {
  uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0; the modulo bias is negligible for small n. */
static uint32_t below(uint32_t n) {
  return (uint32_t)((next64() >> 32) % n);
}

/* True with probability permille / 1000. */
static int chance(uint32_t permille) { return below(1000) < permille; }

static const char *pick(const char *const *list, size_t n) {
  return list[below((uint32_t)n)];
}

#define PICK(list) pick((list), COUNT(list))

/* ---- vocabulary --------------------------------------------------------- */

/* A product as it appears in exports: name, code, form and strength. An
 * empty name with a code, and the other way round, both occur. */
typedef struct {
  const char *name;
  const char *code;
  const char *form;
  unsigned strength;
} product;

/* Fluvoxamine in its many spellings (about 3% of rows). */
static const product fluvox[] = {
  {"Fluvoxamine maleate 100 mg tablet", "rxnorm:903884", "tablet", 100},
  {"Fluvoxamine maleate 50 mg tablet", "rxnorm:903891", "tablet", 50},
  {"Fluvoxamine maleate 25 mg tablet", "rxnorm:903887", "tablet", 25},
  {"FLUVOXAMINE 50MG TAB", "", "TAB", 50},
  {"FLUVOXAMINE MALEATE 100MG TAB", "rxnorm:903884", "TAB", 100},
  {"Luvox CR 150 mg capsule", "rxnorm:903879", "extended-release capsule",
   150},
  {"Luvox CR 100 mg capsule", "rxnorm:903873", "extended-release capsule",
   100},
  {"fluvoxamine ER 100 mg", "rxnorm:903873", "extended-release capsule", 100},
  {"Fluvoxamine maleate ER 24 HR 150 mg capsule", "",
   "extended-release capsule", 150},
  {"Faverin 100mg", "atc:N06AB08", "tablet", 100},
  {"Faverin 50mg film-coated tablets", "atc:N06AB08", "film-coated tablet",
   50},
  {"Fevarin 50 mg", "atc:N06AB08", "tablet", 50},
  {"Floxyfral 100 mg", "atc:N06AB08", "tablet", 100},
  {"Dumirox 100 mg comprimidos", "atc:N06AB08", "tablet", 100},
  {"Depromel 25mg", "", "tablet", 25},
  {"Luvox 50mg", "", "tablet", 50},
  {"Fluvoxamine Mal_Tab 100mg", "bnf:0403030L0AAABAB", "tablet", 100},
  {"", "rxnorm:903884", "tablet", 100},
  {"", "rxnorm:903873", "extended-release capsule", 100},
  {"", "atc:N06AB08", "", 50},
  {"Fluvoxamine 100 mg, film-coated tablet", "", "tablet", 100},
};

/* Everything else: common drugs and fluvoxamine look-alikes. Listed with
 * repeats so that frequent products come up more often. */
static const product common[] = {
  {"Atorvastatin 20 mg tablet", "rxnorm:617310", "tablet", 20},
  {"Atorvastatin 20 mg tablet", "rxnorm:617310", "tablet", 20},
  {"Atorvastatin 20 mg tablet", "", "tablet", 20},
  {"ATORVASTATIN CALCIUM 40MG TAB", "rxnorm:617311", "TAB", 40},
  {"Atorvastatin 10mg tablets", "atc:C10AA05", "tablet", 10},
  {"Lisinopril 10 mg tablet", "rxnorm:314076", "tablet", 10},
  {"Lisinopril 10 mg tablet", "rxnorm:314076", "tablet", 10},
  {"LISINOPRIL 20MG TAB", "rxnorm:314077", "TAB", 20},
  {"Metformin hydrochloride 500 mg tablet", "rxnorm:861007", "tablet", 500},
  {"Metformin hydrochloride 500 mg tablet", "rxnorm:861007", "tablet", 500},
  {"Metformin ER 750 mg tablet", "rxnorm:860981", "extended-release tablet",
   750},
  {"METFORMIN 1000MG TAB", "", "TAB", 1000},
  {"Amlodipine 5 mg tablet", "rxnorm:197361", "tablet", 5},
  {"Amlodipine 5 mg tablet", "rxnorm:197361", "tablet", 5},
  {"Amlodipine besilate 10mg tablets", "atc:C08CA01", "tablet", 10},
  {"Omeprazole 20 mg delayed-release capsule", "rxnorm:198053",
   "delayed-release capsule", 20},
  {"Omeprazole 20mg gastro-resistant capsules", "atc:A02BC01", "capsule", 20},
  {"Levothyroxine sodium 50 mcg tablet", "rxnorm:966247", "tablet", 0},
  {"Levothyroxine 100 microgram tablets", "atc:H03AA01", "tablet", 0},
  {"Sertraline 50 mg tablet", "rxnorm:312940", "tablet", 50},
  {"Sertraline 50 mg tablet", "rxnorm:312940", "tablet", 50},
  {"SERTRALINE HCL 100MG TAB", "rxnorm:312941", "TAB", 100},
  {"Escitalopram 10 mg tablet", "rxnorm:349332", "tablet", 10},
  {"Escitalopram oxalate 20mg", "atc:N06AB10", "tablet", 20},
  {"Fluoxetine 20 mg capsule", "rxnorm:310385", "capsule", 20},
  {"FLUOXETINE HCL 40MG CAP", "", "CAP", 40},
  {"Fluvastatin 40 mg capsule", "rxnorm:310404", "capsule", 40},
  {"Fluvastatin ER 80 mg tablet", "", "extended-release tablet", 80},
  {"Fluphenazine 5 mg tablet", "rxnorm:310695", "tablet", 5},
  {"Fluphenazine decanoate 25 mg/mL, injection", "", "injection", 25},
  {"Losartan potassium 50 mg tablet", "rxnorm:979485", "tablet", 50},
  {"Simvastatin 40 mg tablet", "rxnorm:198211", "tablet", 40},
  {"Hydrochlorothiazide 25 mg tablet", "rxnorm:310798", "tablet", 25},
  {"Gabapentin 300 mg capsule", "rxnorm:310431", "capsule", 300},
  {"Ibuprofen 400 mg tablet", "rxnorm:310965", "tablet", 400},
  {"Paracetamol 500mg tablets", "atc:N02BE01", "tablet", 500},
  {"Salbutamol 100 micrograms/dose inhaler", "atc:R03AC02", "inhaler", 0},
  {"Tramadol 50 mg capsule", "rxnorm:836466", "capsule", 50},
  {"Warfarin sodium 5 mg tablet", "rxnorm:855332", "tablet", 5},
  {"Bisoprolol fumarate 5mg tablets", "atc:C07AB07", "tablet", 5},
  {"Ramipril 5mg capsules", "atc:C09AA05", "capsule", 5},
  {"Furosemide 40 mg tablet", "rxnorm:313988", "tablet", 40},
  {"Prednisolone 5mg tablets", "atc:H02AB06", "tablet", 5},
  {"Montelukast 10 mg tablet", "rxnorm:997488", "tablet", 10},
  {"Pantoprazole 40 mg delayed-release tablet", "rxnorm:314200",
   "delayed-release tablet", 40},
  {"Citalopram 20 mg tablet", "rxnorm:200371", "tablet", 20},
  {"Duloxetine 60 mg delayed-release capsule", "rxnorm:596930",
   "delayed-release capsule", 60},
  {"Clopidogrel 75 mg tablet", "rxnorm:309362", "tablet", 75},
  {"Rosuvastatin 10 mg tablet", "rxnorm:859751", "tablet", 10},
  {"Alprazolam 0.5 mg tablet", "rxnorm:308048", "tablet", 0},
};

static const char *const countries[] = {
  "US", "US", "US", "US", "US", "US", "GB", "GB", "GB", "CA", "CA", "AU",
  "JP", "FR", "DE", "ES", "IE", "PL", "CH", "MY", "BR", "IN", "us", "",
};

static const char *const dx_fluvox[] = {
  "F42.2", "F42.2", "F42", "F41.0", "F4010", "F40.10", "F32.1", "F33.0",
  "F43.10", "F41.1", "snomed:191736004", "icd9:300.3", "F42.8", "F45.22",
};

static const char *const dx_common[] = {
  "I10", "I10", "I10", "E11.9", "E11.9", "E78.5", "E78.0", "K21.9",
  "E03.9", "F32.1", "F41.1", "J45.909", "M54.5", "I25.10", "N39.0",
  "snomed:38341003", "G43.909", "R51.9",
};

static const char *const comeds_fluvox[] = {
  "tizanidine", "theophylline", "warfarin", "ibuprofen", "sumatriptan",
  "tramadol", "lisinopril", "metformin", "atorvastatin", "alprazolam",
  "clozapine", "olanzapine", "melatonin", "caffeine", "ramelteon",
  "Zanaflex 4mg", "aspirin 81 mg", "rxnorm:10438", "omeprazole",
};

static const char *const comeds_common[] = {
  "lisinopril", "metformin", "atorvastatin", "aspirin 81 mg", "ibuprofen",
  "amlodipine", "levothyroxine", "omeprazole", "warfarin", "sertraline",
  "salbutamol", "paracetamol",
};

/* Notes: some need quoting (commas, quotes); a few are empty. */
static const char *const notes[] = {
  "",
  "New to therapy: started at low dose, titrate weekly as tolerated, "
  "review in one month",
  "Owing slip issued for remaining quantity, \"patient aware\"; "
  "supplier ETA three working days",
  "Pharmacist intervention: dose clarified with prescriber by phone, "
  "documented in PMR",
  "Medication review booked; patient to bring all current medicines, "
  "including herbal",
  "Repeat prescription, electronic; collected by patient, counselled "
  "at counter",
  "Patient counselled on serotonin syndrome symptoms, \"seek help if "
  "feverish\"",
  "Reviewed medication list with patient, no OTC products or supplements",
  "Dispensed in child-resistant container; carer collected on behalf, ID seen",
  "Stock shortage: partial fill today, balance owed and to be collected Monday",
  "Counselled on side effects and missed doses; leaflet given to patient",
  "Insurance claim approved after resubmission, copay collected at pickup",
  "Check renal function before next refill, per prescriber instruction",
  "Patient asked about generic; explained it is the same active ingredient",
  "Refill 1 of 5",
  "Refill 2 of 5; patient counselled",
  "Generic substitution per formulary policy",
  "take with food, \"as directed\"",
  "Patient reports nausea, advised to take with meals",
  "Prior authorisation on file; dispensed 30-day supply",
  "Counselled on interactions, \"see leaflet\", follow up in 4 weeks",
  "Prescriber contacted re: dose, confirmed",
  "Blister pack requested by carer",
  "Do not crush or chew; swallow whole with water",
  "\"Urgent\" - patient out of medication since Friday",
  "Dose titration: week 1 half tablet, then one daily",
  "Transferred from another pharmacy, original Rx verified",
  "Allergy check done (penicillin, sulfa); no conflicts",
  "90-day supply, mail order",
  "Patient prefers brand; price difference explained",
  "Label in large print, \"morning\" and \"evening\" doses",
};

/* ---- fields ------------------------------------------------------------ */

static void put_date(unsigned y, unsigned m, unsigned d) {
  put_uint(y, 4);
  put_ch('-');
  put_uint(m, 2);
  put_ch('-');
  put_uint(d, 2);
}

/* Writes 1 to max items of list, joined by ';'. An item may come twice,
 * as it does in real exports. */
static void put_list(const char *const *list, size_t n, unsigned max) {
  unsigned k = 1 + below(max);
  char tmp[ROW_MAX / 4];
  size_t len = 0;
  for (unsigned i = 0; i < k; i++) {
    const char *s = pick(list, n);
    size_t sl = strlen(s);
    if (len + sl + 2 >= sizeof tmp) break;
    if (i) tmp[len++] = ';';
    memcpy(tmp + len, s, sl);
    len += sl;
  }
  tmp[len] = '\0';
  put_field(tmp);
}

static void put_row(uint64_t row, uint64_t npatients) {
  int is_fluvox = chance(30);
  const product *p = is_fluvox ? &fluvox[below(COUNT(fluvox))]
                               : &common[below(COUNT(common))];

  /* patient_id: patients come back, so ids repeat. */
  put_ch('P');
  put_uint(1 + (next64() % npatients), 8);
  put_ch(',');

  /* birth_date: ages 6..90 at the prescription (mostly adults). */
  unsigned rx_year = 2024 + below(2);
  unsigned rx_month = 1 + below(12);
  unsigned rx_day = 1 + below(28);
  unsigned age = chance(850) ? 18 + below(73) : 7 + below(11);
  if (chance(3)) {
    /* missing or unusable birth dates occur in real exports */
    put_str(chance(500) ? "" : "1980-02-30");
  } else {
    /* one call per statement: argument order is unspecified in C */
    unsigned by = rx_year - age - (chance(500) ? 1u : 0u);
    unsigned bm = 1 + below(12);
    unsigned bd = 1 + below(28);
    put_date(by, bm, bd);
  }
  put_ch(',');

  /* sex */
  put_str(chance(10) ? "" : (chance(520) ? "F" : "M"));
  put_ch(',');

  /* country */
  put_str(PICK(countries));
  put_ch(',');

  /* rx_date */
  put_date(rx_year, rx_month, rx_day);
  put_ch(',');

  /* drug_name: a few unique strings (lot numbers) break the repetition. */
  if (!is_fluvox && chance(5) && p->name[0]) {
    char tmp[256];
    size_t n = strlen(p->name);
    memcpy(tmp, p->name, n);
    memcpy(tmp + n, " lot ", 5);
    n += 5;
    uint64_t lot = row * 7919 + below(1000);
    char digits[24];
    int nd = 0;
    do {
      digits[nd++] = (char)('0' + (int)(lot % 10));
      lot /= 10;
    } while (lot);
    while (nd) tmp[n++] = digits[--nd];
    tmp[n] = '\0';
    put_field(tmp);
  } else {
    put_field(p->name);
  }
  put_ch(',');

  /* drug_code, form, strength_mg */
  put_str(p->code);
  put_ch(',');
  put_field(p->form);
  put_ch(',');
  if (p->strength) put_uint(p->strength, 0);
  put_ch(',');

  /* daily_dose_mg: strength times 1..3, sometimes halves or blank. */
  if (p->strength && !chance(40)) {
    unsigned times = 1 + below(3);
    if (is_fluvox && chance(50)) times = 4; /* over the maximum */
    put_uint(p->strength * times, 0);
    if (chance(30)) put_str(".5");
  }
  put_ch(',');

  /* diagnosis_codes */
  if (is_fluvox) {
    if (!chance(60)) put_list(dx_fluvox, COUNT(dx_fluvox), 3);
  } else if (!chance(150)) {
    put_list(dx_common, COUNT(dx_common), 3);
  }
  put_ch(',');

  /* co_medications: often empty. */
  if (is_fluvox) {
    if (chance(550)) put_list(comeds_fluvox, COUNT(comeds_fluvox), 3);
  } else if (chance(350)) {
    put_list(comeds_common, COUNT(comeds_common), 3);
  }
  put_ch(',');

  /* prescriber_id */
  put_str("DR");
  put_uint(1 + below(5000), 6);
  put_ch(',');

  /* pharmacy_note: rarely with a line break inside. */
  if (chance(1)) {
    put_field("Called prescriber, left message\nCall back before dispensing");
  } else {
    put_field(PICK(notes));
  }
  put_ch('\n');
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  if (!*s || *s == '-' || *s == '+') return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return -1;
  *out = (uint64_t)v;
  return 0;
}

int main(int argc, char **argv) {
  uint64_t n, seed = 42;
  if (argc < 2 || argc > 3 || parse_u64(argv[1], &n) != 0 ||
      (argc == 3 && parse_u64(argv[2], &seed) != 0)) {
    fputs("usage: gen-export N [SEED] > export.csv\n", stderr);
    return 2;
  }
  rng_state = seed;
  uint64_t npatients = n / 3 + 100;

  put_str("patient_id,birth_date,sex,country,rx_date,drug_name,drug_code,"
          "form,strength_mg,daily_dose_mg,diagnosis_codes,co_medications,"
          "prescriber_id,pharmacy_note\n");
  for (uint64_t i = 0; i < n && !out_err; i++) {
    if (out_len > OUT_CAP - ROW_MAX) out_flush();
    put_row(i, npatients);
  }
  out_flush();
  if (fflush(stdout) != 0 || ferror(stdout) || out_err) {
    fprintf(stderr, "gen-export: write error: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}
