/*
 * rdfc.c: RDF Dataset Canonicalization (W3C RDFC-1.0) and its N-Quads form.
 *
 * Blank nodes get canonical labels c14n0, c14n1, ... from the hash of their first-degree quads;
 * blank nodes whose first-degree hashes tie are told apart with Hash N-Degree Quads, which
 * explores their neighbours through every permutation. The canonical form is the sorted list of
 * N-Quads lines. MIC's documents have only the default graph, so graph names never appear.
 *
 * The N-Quads escaping follows rdf-canonize 4 (used by jsonld 9): \b \t \n \f \r \" and \\ as
 * two-character escapes, other characters below U+0020 and U+007F as \u00XX in upper-case hex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mic.h"

/* A cap on the N-degree work, so a hostile uploaded document cannot pin a core. */
#define RDFC_MAX_NDEGREE_CALLS 20000

/* An identifier issuer: the labels it gave, in the order it gave them. */
struct issuer {
	int *label_of;          /* per blank node, -1 when none issued */
	int *order;             /* blank nodes in issue order */
	int count;
};

struct rdfc {
	const struct rdf_dataset *ds;
	int blank_count;
	int *subject_blank;     /* per quad: blank node index of the subject or -1 */
	int *object_blank;      /* per quad: blank node index of the object or -1 */
	int **quads_of;         /* per blank node: indexes of the quads that mention it */
	int *quads_of_count;
	char (*first_hash)[65];
	struct issuer canonical;
	long ndegree_calls;
	EVP_MD_CTX *md;             /* reused for every SHA-256 of one canonicalization */
	struct buf line_text;       /* N-Quads lines being sorted, each ending in "\n" and a NUL */
	size_t *line_offsets;       /* start of each line in line_text */
	char **lines;               /* the lines as strings, for sorting */
	size_t line_cap;            /* entries of line_offsets and lines */
};

/* ---- SHA-256 ---- */

/*
 * SHA-256 fetched once per process. With EVP_sha256() OpenSSL 3 fetches the implementation
 * implicitly on each digest (crypto(7), "Explicit fetching"), which costs a lookup each time.
 */
static const EVP_MD *sha256_md;
static pthread_once_t sha256_md_once = PTHREAD_ONCE_INIT;

static void sha256_md_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!sha256_md)
		sha256_md = EVP_sha256();
}

/* Writes the lower-case hex SHA-256 of data to out; aborts when OpenSSL fails, as sha256_hex does. */
static void rdfc_sha256_hex(struct rdfc *c, const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (EVP_DigestInit_ex2(c->md, sha256_md, NULL) != 1 || EVP_DigestUpdate(c->md, data, len) != 1 ||
	    EVP_DigestFinal_ex(c->md, md, &md_len) != 1 || md_len != 32)
		abort();
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static void issuer_init(struct issuer *is, int n)
{
	is->label_of = xmalloc((size_t)(n + 1) * sizeof *is->label_of);
	is->order = xmalloc((size_t)(n + 1) * sizeof *is->order);
	for (int i = 0; i < n; i++)
		is->label_of[i] = -1;
	is->count = 0;
}

static void issuer_copy(struct issuer *to, const struct issuer *from, int n)
{
	issuer_init(to, n);
	if ((size_t)n * sizeof *to->label_of > 0)
		memcpy(to->label_of, from->label_of, (size_t)n * sizeof *to->label_of);
	if ((size_t)from->count * sizeof *to->order > 0)
		memcpy(to->order, from->order, (size_t)from->count * sizeof *to->order);
	to->count = from->count;
}

static void issuer_free(struct issuer *is)
{
	free(is->label_of);
	free(is->order);
	is->label_of = NULL;
	is->order = NULL;
}

static int issuer_issue(struct issuer *is, int blank)
{
	if (is->label_of[blank] < 0) {
		is->label_of[blank] = is->count;
		is->order[is->count++] = blank;
	}
	return is->label_of[blank];
}

/* ---- N-Quads ---- */

/* Bytes that N-Quads output escapes: bit 1 in a literal, bit 2 in an IRI. */
static const unsigned char escape_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,   /* U+0000 to U+000F */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,   /* U+0010 to U+001F */
	[' '] = 2, ['"'] = 3, ['<'] = 2, ['>'] = 2, ['\\'] = 3, ['^'] = 2,
	['`'] = 2, ['{'] = 2, ['|'] = 2, ['}'] = 2, [0x7f] = 1,
};

/* Appends the six-character escape of c: backslash, "u00" and two upper-case hex digits. */
static void nquads_escape_u(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char escaped[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	buf_append(b, escaped, sizeof escaped);
}

/* Appends s, copying runs of bytes that need no escape (class bit mask clear) in one step. */
static void nquads_escape(struct buf *b, const char *s, unsigned char mask, bool literal)
{
	const unsigned char *p = (const unsigned char *)s;

	for (;;) {
		const unsigned char *run = p;
		while (*p && !(escape_class[*p] & mask))
			p++;
		if (p > run)
			buf_append(b, run, (size_t)(p - run));
		if (!*p)
			return;
		const char *two = NULL;
		if (literal) {
			switch (*p) {
			case '\b': two = "\\b"; break;
			case '\t': two = "\\t"; break;
			case '\n': two = "\\n"; break;
			case '\f': two = "\\f"; break;
			case '\r': two = "\\r"; break;
			case '"': two = "\\\""; break;
			case '\\': two = "\\\\"; break;
			default: break;
			}
		}
		if (two)
			buf_append(b, two, 2);
		else
			nquads_escape_u(b, *p);
		p++;
	}
}

static void nquads_escape_literal(struct buf *b, const char *s)
{
	nquads_escape(b, s, 1, true);
}

static void nquads_escape_iri(struct buf *b, const char *s)
{
	nquads_escape(b, s, 2, false);
}

/* Appends prefix followed by the decimal form of the non-negative label. */
static void nquads_label(struct buf *b, const char *prefix, int label)
{
	char digits[16];
	int n = 0;

	buf_puts(b, prefix);
	do {
		digits[n++] = (char)('0' + label % 10);
		label /= 10;
	} while (label > 0 && n < (int)sizeof digits);
	while (n > 0)
		buf_putc(b, digits[--n]);
}

/* Labels of blank nodes while a quad is written: "a"/"z" for hashing, or canonical labels. */
struct labeling {
	int reference;                  /* first-degree hashing: this node is "a", others "z" */
	const struct issuer *issuer;    /* otherwise: "c14n" + the label this issuer gave */
};

static void nquads_term(struct buf *b, const struct rdf_term *t, int blank, const struct labeling *l)
{
	if (t->kind == RDF_IRI) {
		buf_putc(b, '<');
		nquads_escape_iri(b, t->value);
		buf_putc(b, '>');
	} else if (t->kind == RDF_BLANK) {
		if (l->issuer)
			nquads_label(b, "_:c14n", l->issuer->label_of[blank]);
		else
			buf_puts(b, blank == l->reference ? "_:a" : "_:z");
	} else {
		buf_putc(b, '"');
		nquads_escape_literal(b, t->value);
		buf_putc(b, '"');
		if (t->datatype) {
			buf_puts(b, "^^<");
			nquads_escape_iri(b, t->datatype);
			buf_putc(b, '>');
		}
	}
}

static void nquads_line(struct buf *b, const struct rdfc *c, size_t q, const struct labeling *l)
{
	const struct rdf_quad *quad = &c->ds->quads[q];

	nquads_term(b, &quad->subject, c->subject_blank[q], l);
	buf_puts(b, " <");
	nquads_escape_iri(b, quad->predicate);
	buf_puts(b, "> ");
	nquads_term(b, &quad->object, c->object_blank[q], l);
	buf_puts(b, " .\n");
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Writes the N-Quads lines of count quads (quads[i], or quad i when quads is NULL) into c's line
 * buffer and sorts them in code point order (byte order of UTF-8). Returns the sorted lines, which
 * stay valid until the next call.
 * NOTE: rdf-canonize sorts JavaScript strings by UTF-16 code units, which differs from code point
 * order only where two lines first differ at a character above U+FFFF against one in U+E000-U+FFFF.
 */
static char **lines_sorted(struct rdfc *c, const int *quads, size_t count, const struct labeling *l)
{
	if (count + 1 > c->line_cap) {
		c->line_cap = count + 1;
		c->line_offsets = xrealloc(c->line_offsets, c->line_cap * sizeof *c->line_offsets);
		c->lines = xrealloc(c->lines, c->line_cap * sizeof *c->lines);
	}
	buf_reset(&c->line_text);
	for (size_t i = 0; i < count; i++) {
		c->line_offsets[i] = c->line_text.len;
		nquads_line(&c->line_text, c, quads ? (size_t)quads[i] : i, l);
		buf_putc(&c->line_text, '\0');
	}
	/* Pointers only now: the buffer may have moved while it grew. */
	for (size_t i = 0; i < count; i++)
		c->lines[i] = c->line_text.data + c->line_offsets[i];
	if (count > 0)
		qsort(c->lines, count, sizeof *c->lines, compare_lines);
	return c->lines;
}

/* ---- The algorithm ---- */

static void hash_first_degree(struct rdfc *c, int blank)
{
	size_t n = (size_t)c->quads_of_count[blank];
	struct labeling l = { .reference = blank };
	struct buf joined;

	char **lines = lines_sorted(c, c->quads_of[blank], n, &l);
	buf_init(&joined);
	/* Duplicates cannot occur here: each quad is listed once per blank node. */
	for (size_t i = 0; i < n; i++)
		buf_puts(&joined, lines[i]);
	rdfc_sha256_hex(c, joined.data ? joined.data : "", joined.len, c->first_hash[blank]);
	buf_free(&joined);
}

/* Hash Related Blank Node: position is 's' or 'o'. */
static void hash_related(struct rdfc *c, int related, size_t q, const struct issuer *issuer,
    char position, char out[65])
{
	struct buf input;

	buf_init(&input);
	buf_putc(&input, position);
	buf_putc(&input, '<');
	buf_puts(&input, c->ds->quads[q].predicate);
	buf_putc(&input, '>');
	if (c->canonical.label_of[related] >= 0)
		buf_printf(&input, "_:c14n%d", c->canonical.label_of[related]);
	else if (issuer->label_of[related] >= 0)
		buf_printf(&input, "_:b%d", issuer->label_of[related]);
	else
		buf_puts(&input, c->first_hash[related]);
	rdfc_sha256_hex(c, input.data, input.len, out);
	buf_free(&input);
}

/* Related blank nodes of one hash, in the hash-to-related map of Hash N-Degree Quads. */
struct related_group {
	char hash[65];
	int *nodes;
	int count;
};

static int compare_groups(const void *a, const void *b)
{
	return strcmp(((const struct related_group *)a)->hash, ((const struct related_group *)b)->hash);
}

static void group_add(struct related_group **groups, int *count, const char hash[65], int node)
{
	for (int i = 0; i < *count; i++) {
		if (strcmp((*groups)[i].hash, hash) == 0) {
			struct related_group *g = &(*groups)[i];
			g->nodes = xrealloc(g->nodes, (size_t)(g->count + 1) * sizeof *g->nodes);
			g->nodes[g->count++] = node;
			return;
		}
	}
	*groups = xrealloc(*groups, (size_t)(*count + 1) * sizeof **groups);
	struct related_group *g = &(*groups)[(*count)++];
	memcpy(g->hash, hash, 65);
	g->nodes = xmalloc(sizeof *g->nodes);
	g->nodes[0] = node;
	g->count = 1;
}

/* Steps to the next permutation of p[0..n) in lexicographic order; false after the last. */
static bool next_permutation(int *p, int n)
{
	int i = n - 2;
	while (i >= 0 && p[i] >= p[i + 1])
		i--;
	if (i < 0)
		return false;
	int j = n - 1;
	while (p[j] <= p[i])
		j--;
	int t = p[i]; p[i] = p[j]; p[j] = t;
	for (int a = i + 1, b = n - 1; a < b; a++, b--) {
		t = p[a]; p[a] = p[b]; p[b] = t;
	}
	return true;
}

static int compare_ints(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* True when the candidate path can no longer beat the chosen one. */
static bool path_loses(const struct buf *path, const struct buf *chosen)
{
	return chosen->len > 0 && strcmp(path->data ? path->data : "", chosen->data) > 0;
}

static int hash_n_degree(struct rdfc *c, int blank, struct issuer *issuer, char out[65]);

/*
 * Tries one permutation of a group of related blank nodes: builds its path into *path and the
 * issuer it leads to into *copy. Returns 1 when the path lost early, 0 when complete, -1 on error.
 */
static int try_permutation(struct rdfc *c, const int *perm, int n, const struct issuer *issuer,
    const struct buf *chosen, struct buf *path, struct issuer *copy)
{
	int *recursion = xmalloc((size_t)n * sizeof *recursion);
	int recursion_count = 0;
	int rc = 0;

	issuer_copy(copy, issuer, c->blank_count);
	for (int i = 0; i < n; i++) {
		int related = perm[i];
		if (c->canonical.label_of[related] >= 0) {
			buf_printf(path, "_:c14n%d", c->canonical.label_of[related]);
		} else {
			if (copy->label_of[related] < 0)
				recursion[recursion_count++] = related;
			buf_printf(path, "_:b%d", issuer_issue(copy, related));
		}
		if (path_loses(path, chosen)) {
			rc = 1;
			goto out;
		}
	}
	for (int i = 0; i < recursion_count; i++) {
		char hash[65];
		struct issuer result;
		issuer_copy(&result, copy, c->blank_count);
		if (hash_n_degree(c, recursion[i], &result, hash) != 0) {
			issuer_free(&result);
			rc = -1;
			goto out;
		}
		buf_printf(path, "_:b%d<%s>", issuer_issue(&result, recursion[i]), hash);
		issuer_free(copy);
		*copy = result;
		if (path_loses(path, chosen)) {
			rc = 1;
			goto out;
		}
	}
out:
	free(recursion);
	return rc;
}

/* Hash N-Degree Quads: hashes blank's neighbourhood, updating *issuer to the chosen one. */
static int hash_n_degree(struct rdfc *c, int blank, struct issuer *issuer, char out[65])
{
	struct related_group *groups = NULL;
	int group_count = 0;
	struct buf data;
	int rc = -1;

	if (++c->ndegree_calls > RDFC_MAX_NDEGREE_CALLS)
		return -1;
	buf_init(&data);
	for (int i = 0; i < c->quads_of_count[blank]; i++) {
		int q = c->quads_of[blank][i];
		char hash[65];
		if (c->subject_blank[q] >= 0 && c->subject_blank[q] != blank) {
			hash_related(c, c->subject_blank[q], (size_t)q, issuer, 's', hash);
			group_add(&groups, &group_count, hash, c->subject_blank[q]);
		}
		if (c->object_blank[q] >= 0 && c->object_blank[q] != blank) {
			hash_related(c, c->object_blank[q], (size_t)q, issuer, 'o', hash);
			group_add(&groups, &group_count, hash, c->object_blank[q]);
		}
	}
	if ((size_t)group_count > 0)
		qsort(groups, (size_t)group_count, sizeof *groups, compare_groups);

	for (int g = 0; g < group_count; g++) {
		struct buf chosen;
		struct issuer chosen_issuer = { 0 };
		int *perm = groups[g].nodes;
		int n = groups[g].count;

		buf_puts(&data, groups[g].hash);
		buf_init(&chosen);
		if ((size_t)n > 0)
			qsort(perm, (size_t)n, sizeof *perm, compare_ints);
		do {
			struct buf path;
			struct issuer copy;
			buf_init(&path);
			int tried = try_permutation(c, perm, n, issuer, &chosen, &path, &copy);
			if (tried == 0 && (chosen.len == 0 || strcmp(path.data, chosen.data) < 0)) {
				buf_reset(&chosen);
				buf_append(&chosen, path.data, path.len);
				issuer_free(&chosen_issuer);
				chosen_issuer = copy;
			} else {
				issuer_free(&copy);
			}
			buf_free(&path);
			if (tried < 0) {
				buf_free(&chosen);
				issuer_free(&chosen_issuer);
				goto out;
			}
		} while (next_permutation(perm, n));
		buf_append(&data, chosen.data, chosen.len);
		issuer_free(issuer);
		*issuer = chosen_issuer;
		buf_free(&chosen);
	}
	rdfc_sha256_hex(c, data.data ? data.data : "", data.len, out);
	rc = 0;
out:
	for (int g = 0; g < group_count; g++)
		free(groups[g].nodes);
	free(groups);
	buf_free(&data);
	return rc;
}

/* Numbers the blank nodes and lists, per blank node, the quads that mention it. */
static void rdfc_index(struct rdfc *c)
{
	const struct rdf_dataset *ds = c->ds;
	char **labels = xcalloc(ds->count * 2 + 1, sizeof *labels);

	c->subject_blank = xmalloc((ds->count + 1) * sizeof *c->subject_blank);
	c->object_blank = xmalloc((ds->count + 1) * sizeof *c->object_blank);
	for (size_t q = 0; q < ds->count; q++) {
		const struct rdf_term *terms[2] = { &ds->quads[q].subject, &ds->quads[q].object };
		int *slots[2] = { &c->subject_blank[q], &c->object_blank[q] };
		for (int k = 0; k < 2; k++) {
			*slots[k] = -1;
			if (terms[k]->kind != RDF_BLANK)
				continue;
			int found = -1;
			for (int b = 0; b < c->blank_count; b++)
				if (strcmp(labels[b], terms[k]->value) == 0)
					found = b;
			if (found < 0) {
				found = c->blank_count++;
				labels[found] = terms[k]->value;
			}
			*slots[k] = found;
		}
	}
	free(labels);

	c->quads_of = xcalloc((size_t)c->blank_count + 1, sizeof *c->quads_of);
	c->quads_of_count = xcalloc((size_t)c->blank_count + 1, sizeof *c->quads_of_count);
	c->first_hash = xcalloc((size_t)c->blank_count + 1, sizeof *c->first_hash);
	for (size_t q = 0; q < ds->count; q++) {
		int blanks[2] = { c->subject_blank[q], c->object_blank[q] };
		for (int k = 0; k < 2; k++) {
			int b = blanks[k];
			if (b < 0 || (k == 1 && blanks[0] == b))
				continue;
			c->quads_of[b] = xrealloc(c->quads_of[b], (size_t)(c->quads_of_count[b] + 1) * sizeof(int));
			c->quads_of[b][c->quads_of_count[b]++] = (int)q;
		}
	}
}

static int compare_by_first_hash(const void *a, const void *b, void *arg)
{
	const struct rdfc *c = arg;

	return strcmp(c->first_hash[*(const int *)a], c->first_hash[*(const int *)b]);
}

struct path_result {
	char hash[65];
	struct issuer issuer;
};

static int compare_results(const void *a, const void *b)
{
	return strcmp(((const struct path_result *)a)->hash, ((const struct path_result *)b)->hash);
}

/* Issues canonical labels for the blank nodes that share one first-degree hash. */
static int rdfc_label_tied(struct rdfc *c, const int *nodes, int n)
{
	struct path_result *results = xcalloc((size_t)n + 1, sizeof *results);
	int result_count = 0;
	int rc = -1;

	for (int i = 0; i < n; i++) {
		if (c->canonical.label_of[nodes[i]] >= 0)
			continue;
		struct path_result *r = &results[result_count];
		issuer_init(&r->issuer, c->blank_count);
		issuer_issue(&r->issuer, nodes[i]);
		result_count++;
		if (hash_n_degree(c, nodes[i], &r->issuer, r->hash) != 0)
			goto out;
	}
	if ((size_t)result_count > 0)
		qsort(results, (size_t)result_count, sizeof *results, compare_results);
	for (int i = 0; i < result_count; i++)
		for (int k = 0; k < results[i].issuer.count; k++)
			issuer_issue(&c->canonical, results[i].issuer.order[k]);
	rc = 0;
out:
	for (int i = 0; i < result_count; i++)
		issuer_free(&results[i].issuer);
	free(results);
	return rc;
}

/* GNU qsort_r is in glibc; its prototype needs _GNU_SOURCE, which the build does not set. */
void qsort_r(void *base, size_t nmemb, size_t size,
    int (*compar)(const void *, const void *, void *), void *arg);

int rdfc_canonicalize(const struct rdf_dataset *ds, struct buf *out, char *err, size_t errlen)
{
	struct rdfc c = { .ds = ds };
	int *order = NULL;
	int rc = -1;

	buf_init(&c.line_text);
	pthread_once(&sha256_md_once, sha256_md_fetch);
	c.md = EVP_MD_CTX_new();
	if (!c.md) {
		snprintf(err, errlen, "OpenSSL could not allocate a digest context");
		return -1;
	}
	rdfc_index(&c);
	issuer_init(&c.canonical, c.blank_count);
	for (int b = 0; b < c.blank_count; b++)
		hash_first_degree(&c, b);

	/* Blank nodes in order of their first-degree hash; a unique hash gets its label at once. */
	order = xmalloc((size_t)(c.blank_count + 1) * sizeof *order);
	for (int b = 0; b < c.blank_count; b++)
		order[b] = b;
	if ((size_t)c.blank_count > 0)
		qsort_r(order, (size_t)c.blank_count, sizeof *order, compare_by_first_hash, &c);
	for (int i = 0; i < c.blank_count; i++) {
		bool tied = (i > 0 && strcmp(c.first_hash[order[i]], c.first_hash[order[i - 1]]) == 0) ||
		    (i + 1 < c.blank_count && strcmp(c.first_hash[order[i]], c.first_hash[order[i + 1]]) == 0);
		if (!tied)
			issuer_issue(&c.canonical, order[i]);
	}
	for (int i = 0; i < c.blank_count;) {
		int j = i + 1;
		while (j < c.blank_count && strcmp(c.first_hash[order[i]], c.first_hash[order[j]]) == 0)
			j++;
		if (j - i > 1 && rdfc_label_tied(&c, order + i, j - i) != 0) {
			snprintf(err, errlen, "the document's blank nodes are too symmetric to canonicalize "
			    "within the work limit");
			goto out;
		}
		i = j;
	}

	/* The canonical form: every quad with its canonical labels, sorted, without duplicates. */
	struct labeling l = { .issuer = &c.canonical };
	char **lines = lines_sorted(&c, NULL, ds->count, &l);
	for (size_t i = 0; i < ds->count; i++)
		if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
			buf_puts(out, lines[i]);
	rc = 0;
out:
	for (int b = 0; b < c.blank_count; b++)
		free(c.quads_of[b]);
	free(c.quads_of);
	free(c.quads_of_count);
	free(c.first_hash);
	free(c.subject_blank);
	free(c.object_blank);
	issuer_free(&c.canonical);
	free(order);
	EVP_MD_CTX_free(c.md);
	buf_free(&c.line_text);
	free(c.line_offsets);
	free(c.lines);
	return rc;
}

int rdfc_canonicalize_jsonld(json_t *document, struct buf *out, char *err, size_t errlen)
{
	struct rdf_dataset ds;

	if (rdf_from_jsonld(document, &ds, err, errlen) != 0)
		return -1;
	int rc = rdfc_canonicalize(&ds, out, err, errlen);
	rdf_dataset_free(&ds);
	return rc;
}
