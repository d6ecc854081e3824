/*
 * Tests of JSON-LD to RDF conversion (rdf.c) and RDFC-1.0 canonicalization (rdfc.c).
 *
 * The expected digests are SHA-256 of the canonical N-Quads that the code produced before the
 * context cache and the faster N-Quads output were added. The API tests compare that code's output
 * with the jsonld npm package byte for byte, so a changed digest here means a changed output byte.
 * Run with the argument "print" to write each document's canonical form to standard output.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mic.h"

#define CONTEXTS "[\"" RDF_CONTEXT_CREDENTIALS_V2 "\", \"" RDF_CONTEXT_OPEN_BADGES "\"]"

/* A credential as credential_build writes it, with text that needs N-Quads escaping. */
static const char credential_text[] =
    "{\"@context\": " CONTEXTS ","
    " \"id\": \"https://mic.example/verify/7f3a\","
    " \"type\": [\"VerifiableCredential\", \"OpenBadgeCredential\"],"
    " \"issuer\": {\"id\": \"did:web:mic.example\", \"type\": [\"Profile\"], \"name\": \"Habitat Alliance\"},"
    " \"validFrom\": \"2026-03-01T10:00:00Z\", \"validUntil\": \"2031-03-01T10:00:00Z\","
    " \"name\": \"Σκυρόδεμα \\\"ποιότητα\\\" \\\\ 🧱\","
    " \"credentialSubject\": {\"type\": [\"AchievementSubject\"],"
    "  \"identifier\": [{\"type\": \"IdentityObject\", \"hashed\": false,"
    "    \"identityHash\": \"Ștefan Ionescu\\u0001\\t\\n\\r\", \"identityType\": \"name\"},"
    "   {\"type\": \"IdentityObject\", \"hashed\": true, \"identityHash\": \"sha256$0a1b\","
    "    \"identityType\": \"emailAddress\", \"salt\": \"c0ffee\"}],"
    "  \"achievement\": {\"id\": \"https://mic.example/api/v1/microcredentials/12\","
    "   \"type\": [\"Achievement\"], \"achievementType\": \"MicroCredential\","
    "   \"name\": \"Timber framing\", \"description\": \"Line one\\nline two\\u007f\","
    "   \"criteria\": {\"narrative\": \"Learning outcomes:\\n1. Measure\\n\"},"
    "   \"alignment\": [{\"type\": [\"Alignment\"], \"targetName\": \"EQF level 4\","
    "     \"targetUrl\": \"http://data.europa.eu/snb/eqf/4\", \"targetFramework\": \"European Qualifications Framework\","
    "     \"targetCode\": \"4\"},"
    "    {\"type\": [\"Alignment\"], \"targetName\": \"carpenter\","
    "     \"targetUrl\": \"http://data.europa.eu/esco/occupation/1\", \"targetFramework\": \"ESCO\"}],"
    "   \"creator\": {\"id\": \"urn:mic:organisation:3\", \"type\": [\"Profile\"], \"name\": \"Lemn SRL\"},"
    "   \"creditsAvailable\": 2.5, \"inLanguage\": \"ro\"}},"
    " \"credentialStatus\": {\"id\": \"https://mic.example/status/1#77\", \"type\": \"BitstringStatusListEntry\","
    "  \"statusPurpose\": \"revocation\", \"statusListIndex\": \"77\","
    "  \"statusListCredential\": \"https://mic.example/status/1\"}}";

/* The proof options of an eddsa-rdfc-2022 proof, with the credential's contexts. */
static const char proof_options_text[] =
    "{\"@context\": " CONTEXTS ", \"type\": \"DataIntegrityProof\", \"cryptosuite\": \"eddsa-rdfc-2022\","
    " \"created\": \"2026-03-01T10:00:00Z\", \"verificationMethod\": \"did:web:mic.example#key-1\","
    " \"proofPurpose\": \"assertionMethod\"}";

/* Two identical identifiers: their blank nodes tie on the first-degree hash. */
static const char tied_text[] =
    "{\"@context\": " CONTEXTS ", \"id\": \"urn:uuid:1\", \"type\": [\"VerifiableCredential\"],"
    " \"credentialSubject\": {\"type\": [\"AchievementSubject\"], \"identifier\": ["
    "  {\"type\": \"IdentityObject\", \"hashed\": false, \"identityHash\": \"Ana\", \"identityType\": \"name\"},"
    "  {\"type\": \"IdentityObject\", \"hashed\": false, \"identityHash\": \"Ana\", \"identityType\": \"name\"}]}}";

/* A context object inside the document itself, which the context cache must not keep. */
static const char inline_context_text[] =
    "{\"@context\": [\"" RDF_CONTEXT_CREDENTIALS_V2 "\", {\"ex\": \"https://example.org/ns#\","
    " \"size\": {\"@id\": \"ex:size\", \"@type\": \"http://www.w3.org/2001/XMLSchema#integer\"}}],"
    " \"id\": \"urn:uuid:2\", \"type\": [\"VerifiableCredential\"], \"ex:colour\": \"red\", \"size\": 3,"
    " \"credentialSubject\": {\"id\": \"urn:uuid:3\", \"ex:weight\": 1.5}}";

/* Every byte that N-Quads escapes, in an IRI and in a literal. */
static const char escapes_text[] =
    "{\"@context\": [\"" RDF_CONTEXT_CREDENTIALS_V2 "\"],"
    " \"id\": \"urn:mic:a b<c>{d}|e^f`g\\\\h\\\"i\\u007fj\\u0001\","
    " \"type\": [\"VerifiableCredential\"],"
    " \"name\": \"\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\u007f \\\\ \\\" <{}> é 🧱\"}";

struct golden {
	const char *name;
	const char *text;
	const char *sha256;
};

static const struct golden goldens[] = {
	{ "credential", credential_text, "28f6a42534e09e9342d14a4d513111bd511db1e641654e96c42a6d9c1f5c31cc" },
	{ "proof options", proof_options_text, "efca095c5721e4a015c9cda6493c2447cbd7bcd3d7d1f677f9bddbd178e4bc15" },
	{ "tied blank nodes", tied_text, "231942a47c31bba3d1c132d2ae9233a120a800cfac9cf702fa626c3743193689" },
	{ "escapes", escapes_text, "f89ac1a093f3f77db90935630facbf464eddb6421f42c6759162f5c00f03822c" },
	{ "inline context", inline_context_text, "e5247457610b01ddd765b1835d2ced454e651e6bd033fd68a08f29378d837a1a" },
};
#define GOLDEN_COUNT (sizeof goldens / sizeof goldens[0])

/* Canonicalizes text and writes the SHA-256 of the result; returns 0 on success. */
static int canonical_digest(const char *text, char digest[65], struct buf *canonical)
{
	json_error_t error;
	char err[256];
	json_t *document = json_loads(text, 0, &error);
	int rc = -1;

	if (!document) {
		fprintf(stderr, "invalid test JSON at line %d: %s\n", error.line, error.text);
		return -1;
	}
	buf_reset(canonical);
	if (rdfc_canonicalize_jsonld(document, canonical, err, sizeof err) != 0) {
		fprintf(stderr, "canonicalization failed: %s\n", err);
		goto out;
	}
	sha256_hex(canonical->data ? canonical->data : "", canonical->len, digest);
	rc = 0;
out:
	json_decref(document);
	return rc;
}

static void test_goldens(bool print)
{
	struct buf canonical;

	buf_init(&canonical);
	for (size_t i = 0; i < GOLDEN_COUNT; i++) {
		char digest[65] = "";
		CHECK(canonical_digest(goldens[i].text, digest, &canonical) == 0);
		if (print)
			printf("## %s %s\n%s", goldens[i].name, digest, canonical.data ? canonical.data : "");
		else
			CHECK_STR(digest, goldens[i].sha256);
	}
	buf_free(&canonical);
}

/* The second conversion of a document uses the cached contexts and must give the same bytes. */
static void test_repeat_identical(void)
{
	struct buf first;
	struct buf second;
	char digest[65];

	buf_init(&first);
	buf_init(&second);
	CHECK(canonical_digest(credential_text, digest, &first) == 0);
	for (int i = 0; i < 50; i++) {
		CHECK(canonical_digest(credential_text, digest, &second) == 0);
		CHECK(first.len == second.len);
		CHECK(memcmp(first.data, second.data, first.len < second.len ? first.len : second.len) == 0);
	}
	buf_free(&first);
	buf_free(&second);
}

static void *canonicalize_many(void *arg)
{
	struct buf canonical;
	char digest[65];
	long failures = 0;

	(void)arg;
	buf_init(&canonical);
	for (int i = 0; i < 200; i++) {
		size_t k = (size_t)i % GOLDEN_COUNT;
		if (canonical_digest(goldens[k].text, digest, &canonical) != 0 ||
		    strcmp(digest, goldens[k].sha256) != 0)
			failures++;
	}
	buf_free(&canonical);
	return (void *)failures;
}

/* Threads that share a cold context cache all get the expected output. */
static void test_threads_agree(void)
{
	pthread_t threads[4];
	void *failures;

	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&threads[i], NULL, canonicalize_many, NULL) == 0);
	for (int i = 0; i < 4; i++) {
		CHECK(pthread_join(threads[i], &failures) == 0);
		CHECK(failures == NULL);
	}
}

/* An RDF dataset is a set: a repeated type or node reference gives one quad, not two. */
static void test_duplicate_quads(void)
{
	struct rdf_dataset ds;
	char err[256];
	json_error_t error;
	json_t *document = json_loads("{\"@context\": \"" RDF_CONTEXT_CREDENTIALS_V2 "\", \"id\": \"urn:uuid:4\","
	    " \"type\": [\"VerifiableCredential\", \"VerifiableCredential\"],"
	    " \"credentialSubject\": [{\"id\": \"urn:uuid:5\"}, {\"id\": \"urn:uuid:5\"}, {\"id\": \"urn:uuid:6\"}]}",
	    0, &error);

	CHECK(document != NULL);
	CHECK(rdf_from_jsonld(document, &ds, err, sizeof err) == 0);
	CHECK(ds.count == 3);
	rdf_dataset_free(&ds);
	json_decref(document);
}

/* Enough quads to grow the duplicate check's hash set several times: none is lost or repeated. */
static void test_many_quads(void)
{
	struct rdf_dataset ds;
	char err[256];
	json_t *subjects = json_array();

	for (int i = 0; i < 1000; i++) {
		char id[32];
		snprintf(id, sizeof id, "urn:uuid:%d", i % 700);
		json_array_append_new(subjects, json_pack("{s:s}", "id", id));
	}
	json_t *document = json_pack("{s:s, s:s, s:s, s:o}", "@context", RDF_CONTEXT_CREDENTIALS_V2,
	    "id", "urn:uuid:top", "type", "VerifiableCredential", "credentialSubject", subjects);
	int rc = rdf_from_jsonld(document, &ds, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "conversion failed: %s\n", err);
	CHECK(rc == 0);
	CHECK(ds.count == 701);  /* 700 subjects and the type */
	rdf_dataset_free(&ds);
	json_decref(document);
}

static void test_errors(void)
{
	struct rdf_dataset ds;
	char err[256];
	json_error_t error;

	json_t *unknown = json_loads("{\"@context\": \"https://example.org/ctx\", \"name\": \"x\"}", 0, &error);
	CHECK(rdf_from_jsonld(unknown, &ds, err, sizeof err) != 0);
	CHECK(strstr(err, "https://example.org/ctx") != NULL);
	json_decref(unknown);

	json_t *undefined = json_loads("{\"@context\": \"" RDF_CONTEXT_CREDENTIALS_V2 "\", \"colour\": \"red\"}",
	    0, &error);
	CHECK(rdf_from_jsonld(undefined, &ds, err, sizeof err) != 0);
	CHECK(strstr(err, "colour") != NULL);
	json_decref(undefined);
}

int main(int argc, char **argv)
{
	bool print = argc > 1 && strcmp(argv[1], "print") == 0;

	/* The server loads the contexts once before its threads start; the tests do the same. */
	CHECK(rdf_contexts_load() == 0);
	if (print) {
		test_goldens(true);
		return 0;
	}
	test_threads_agree();
	test_goldens(false);
	test_repeat_identical();
	test_duplicate_quads();
	test_many_quads();
	test_errors();
	return check_summary("test_rdfc");
}
