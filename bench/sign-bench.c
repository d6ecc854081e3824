/*
 * sign-bench.c: signs one credential COUNT times on THREADS threads with a new Ed25519 key, in
 * process and without the database, and prints the wall time per credential. It measures the
 * eddsa-rdfc-2022 proof alone (JSON-LD to RDF, RDFC-1.0, SHA-256, Ed25519), the part of bulk
 * issuing that runs on the signing threads.
 *
 * Build and run from the repository root after the backend is built (see bench/sign-bench.sh):
 *   bench/sign-bench.sh [COUNT] [THREADS] [CREDENTIAL_FILE]
 * CREDENTIAL_FILE is a credential as the server stores it, for example one selected from the
 * certificates table; its proof is removed first. Without it a built-in credential is signed.
 * Output: "sign COUNT THREADS SECONDS WALL_US CPU_US", the last two in microseconds per credential.
 * The CPU time of all threads is the steadier figure on a machine that others share.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "mic.h"

/* A credential of the shape credential_build writes, with a Greek and a Romanian name. */
static const char credential_text[] =
    "{\"@context\": [\"" RDF_CONTEXT_CREDENTIALS_V2 "\", \"" RDF_CONTEXT_OPEN_BADGES "\"],"
    " \"id\": \"https://mic.example/verify/7f3a\","
    " \"type\": [\"VerifiableCredential\", \"OpenBadgeCredential\"],"
    " \"issuer\": {\"id\": \"did:web:mic.example\", \"type\": [\"Profile\"], \"name\": \"Habitat Alliance\"},"
    " \"validFrom\": \"2026-03-01T10:00:00Z\", \"name\": \"Σκυρόδεμα και ποιότητα\","
    " \"credentialSubject\": {\"type\": [\"AchievementSubject\"],"
    "  \"identifier\": [{\"type\": \"IdentityObject\", \"hashed\": false,"
    "    \"identityHash\": \"Ștefan Ionescu\", \"identityType\": \"name\"},"
    "   {\"type\": \"IdentityObject\", \"hashed\": true, \"identityHash\": \"sha256$0a1b\","
    "    \"identityType\": \"emailAddress\", \"salt\": \"c0ffee\"}],"
    "  \"achievement\": {\"id\": \"https://mic.example/api/v1/microcredentials/12\","
    "   \"type\": [\"Achievement\"], \"achievementType\": \"MicroCredential\","
    "   \"name\": \"Timber framing\", \"description\": \"Frames, joints and bracing for timber houses.\","
    "   \"criteria\": {\"narrative\": \"Learning outcomes:\\n1. Measure\\n2. Cut\\n\\nNotional workload: 50 hours\\n\"},"
    "   \"alignment\": [{\"type\": [\"Alignment\"], \"targetName\": \"EQF level 4\","
    "     \"targetUrl\": \"http://data.europa.eu/snb/eqf/4\", \"targetFramework\": \"European Qualifications Framework\","
    "     \"targetCode\": \"4\"},"
    "    {\"type\": [\"Alignment\"], \"targetName\": \"carpenter\","
    "     \"targetUrl\": \"http://data.europa.eu/esco/occupation/1\", \"targetFramework\": \"ESCO\", \"targetCode\": \"7115\"},"
    "    {\"type\": [\"Alignment\"], \"targetName\": \"cut wood\","
    "     \"targetUrl\": \"http://data.europa.eu/esco/skill/2\", \"targetFramework\": \"ESCO\"}],"
    "   \"creator\": {\"id\": \"urn:mic:organisation:3\", \"type\": [\"Profile\"], \"name\": \"Lemn SRL\"},"
    "   \"creditsAvailable\": 2, \"inLanguage\": \"ro\"}},"
    " \"credentialStatus\": {\"id\": \"https://mic.example/status/1#77\", \"type\": \"BitstringStatusListEntry\","
    "  \"statusPurpose\": \"revocation\", \"statusListIndex\": \"77\","
    "  \"statusListCredential\": \"https://mic.example/status/1\"}}";

struct job {
	const char *text;           /* the credential without proof, as JSON */
	EVP_PKEY *key;
	long count;
	long failures;
};

static void *sign_many(void *arg)
{
	struct job *job = arg;
	json_error_t error;
	char err[256];

	for (long i = 0; i < job->count; i++) {
		json_t *document = json_loads(job->text, 0, &error);
		if (!document || dataintegrity_sign(document, job->key, "did:web:mic.example#key-1",
		    1772359200, err, sizeof err) != 0)
			job->failures++;
		json_decref(document);
	}
	return NULL;
}

static double seconds_now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 2000;
	int thread_count = argc > 2 ? atoi(argv[2]) : 2;
	const char *text = credential_text;
	char *text_from_file = NULL;
	pthread_t threads[16];
	struct job jobs[16];
	long failures = 0;

	if (count < 1 || thread_count < 1 || thread_count > 16) {
		fprintf(stderr, "usage: sign-bench [COUNT >= 1] [THREADS 1-16] [CREDENTIAL_FILE]\n");
		return 2;
	}
	if (argc > 3) {
		json_error_t error;
		json_t *stored = json_load_file(argv[3], 0, &error);
		if (!json_is_object(stored)) {
			fprintf(stderr, "sign-bench: %s is not a JSON object: %s\n", argv[3], error.text);
			return 2;
		}
		json_object_del(stored, "proof");
		text = text_from_file = json_dumps(stored, JSON_COMPACT);
		json_decref(stored);
	}
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!key || rdf_contexts_load() != 0) {
		fprintf(stderr, "sign-bench: the key or the JSON-LD contexts could not be set up\n");
		return 1;
	}
	double start = seconds_now(CLOCK_MONOTONIC);
	double cpu_start = seconds_now(CLOCK_PROCESS_CPUTIME_ID);
	for (int t = 0; t < thread_count; t++) {
		jobs[t] = (struct job){ .text = text, .key = key, .count = count / thread_count + (t < count % thread_count) };
		if (pthread_create(&threads[t], NULL, sign_many, &jobs[t]) != 0) {
			fprintf(stderr, "sign-bench: a thread could not be started\n");
			return 1;
		}
	}
	for (int t = 0; t < thread_count; t++) {
		pthread_join(threads[t], NULL);
		failures += jobs[t].failures;
	}
	double elapsed = seconds_now(CLOCK_MONOTONIC) - start;
	double cpu = seconds_now(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
	EVP_PKEY_free(key);
	free(text_from_file);
	if (failures > 0) {
		fprintf(stderr, "sign-bench: %ld credentials could not be signed\n", failures);
		return 1;
	}
	printf("sign %ld %d %.3f %.1f %.1f\n", count, thread_count, elapsed, elapsed * 1e6 / (double)count,
	    cpu * 1e6 / (double)count);
	return 0;
}
