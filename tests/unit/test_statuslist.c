/* Tests of the status list index choice in statuslist.c: random, in range, never a taken entry. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mic.h"

/* A status list in memory: taken[i] is 1 when entry i belongs to a certificate. */
struct fake_list {
	unsigned char *taken;
	int calls;
	int fail_at_call;
};

static int take_entry(void *ctx, int index)
{
	struct fake_list *list = ctx;

	list->calls++;
	if (list->calls == list->fail_at_call)
		return -1;
	if (list->taken[index])
		return 0;
	list->taken[index] = 1;
	return 1;
}

static struct fake_list fake_list_new(void)
{
	struct fake_list list = { .taken = calloc(STATUS_LIST_SIZE, 1) };
	return list;
}

static void test_random_index_range(void)
{
	int below_half = 0;

	for (int i = 0; i < 20000; i++) {
		int index = status_list_random_index();
		CHECK(index >= 0);
		CHECK(index < STATUS_LIST_SIZE);
		below_half += index < STATUS_LIST_SIZE / 2;
	}
	/* Binomial(20000, 0.5): 10000 with a standard deviation of about 71, so 9500..10500 is 7 sigma. */
	CHECK(below_half > 9500);
	CHECK(below_half < 10500);
}

/* Consecutive choices in an empty list are neither in order nor next to each other. */
static void test_choice_not_sequential(void)
{
	struct fake_list list = fake_list_new();
	int previous = -1;
	int ascending_steps = 0;
	int adjacent_steps = 0;

	for (int i = 0; i < 1000; i++) {
		int index = -1;
		CHECK(status_list_choose(take_entry, &list, STATUS_LIST_MAX_TRIES, &index) == 0);
		CHECK(index >= 0);
		if (previous >= 0) {
			ascending_steps += index > previous;
			adjacent_steps += abs(index - previous) <= 1;
		}
		previous = index;
	}
	CHECK(ascending_steps > 400);
	CHECK(ascending_steps < 600);
	CHECK(adjacent_steps < 5);
	free(list.taken);
}

/* With the list filled up to the threshold, every choice is a free entry and none is chosen twice. */
static void test_choice_skips_taken_entries(void)
{
	struct fake_list list = fake_list_new();
	int chosen = 0;
	int exhausted = 0;

	for (int i = 0; i < STATUS_LIST_FILL_LIMIT; i += 2)
		list.taken[i] = 1;
	for (int i = 1; i < STATUS_LIST_SIZE; i += 4)
		list.taken[i] = 1;
	for (int i = 0; i < 2000; i++) {
		int index = -1;
		int before_calls = list.calls;
		int rc = status_list_choose(take_entry, &list, STATUS_LIST_MAX_TRIES, &index);
		CHECK(rc == 0 || rc == 1);
		CHECK(list.calls - before_calls <= STATUS_LIST_MAX_TRIES);
		chosen += rc == 0;
		exhausted += rc == 1;
	}
	CHECK(chosen >= 1999);
	CHECK(exhausted <= 1);
	/* take_entry marks what it hands out, so a second hand-out of one entry would have clashed. */
	int marked = 0;
	for (int i = 0; i < STATUS_LIST_SIZE; i++)
		marked += list.taken[i];
	CHECK(marked == STATUS_LIST_FILL_LIMIT / 2 + STATUS_LIST_SIZE / 4 + chosen);
	free(list.taken);
}

static void test_choice_full_list(void)
{
	struct fake_list list = fake_list_new();
	int index = -7;

	memset(list.taken, 1, STATUS_LIST_SIZE);
	CHECK(status_list_choose(take_entry, &list, STATUS_LIST_MAX_TRIES, &index) == 1);
	CHECK(list.calls == STATUS_LIST_MAX_TRIES);
	CHECK(index == -7);
	free(list.taken);
}

static void test_choice_error_stops(void)
{
	struct fake_list list = fake_list_new();
	int index = -7;

	list.fail_at_call = 1;
	CHECK(status_list_choose(take_entry, &list, STATUS_LIST_MAX_TRIES, &index) == -1);
	CHECK(list.calls == 1);
	CHECK(index == -7);
	free(list.taken);
}

static void test_fill_threshold(void)
{
	CHECK(!status_list_over_threshold(0));
	CHECK(!status_list_over_threshold(STATUS_LIST_FILL_LIMIT - 1));
	CHECK(status_list_over_threshold(STATUS_LIST_FILL_LIMIT));
	CHECK(status_list_over_threshold(STATUS_LIST_SIZE));
}

int main(void)
{
	test_random_index_range();
	test_choice_not_sequential();
	test_choice_skips_taken_entries();
	test_choice_full_list();
	test_choice_error_stops();
	test_fill_threshold();
	return check_summary("statuslist");
}
