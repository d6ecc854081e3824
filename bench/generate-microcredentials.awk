# Prints the SQL that inserts `count` published micro-credentials with ids from first_id, built
# from the vocabularies below with the random seed `seed`. organisations_file and
# occupations_file list the promoting organisation ids and ESCO occupation URIs to draw from,
# one a line. Called by bench/generate.sh.
#
# Every text is made of fixed words without quotes or backslashes, so it needs no SQL escaping.
# NOTE: a micro-credential whose original language is not English still gets English text in its
# version, with the same text as its English translation; only the German and Spanish
# translations of English originals are in another language.

function pick(list,    n, parts) {
	n = split(list, parts, "|")
	return parts[1 + int(rand() * n)]
}

function pick_index(n) {
	return 1 + int(rand() * n)
}

function json_strings(values, n,    i, out) {
	out = "["
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? ", " : "") "\"" values[i] "\""
	return out "]"
}

function outcomes_json(sector, subject, n,    i, out) {
	out = "["
	for (i = 1; i <= n; i++) {
		out = out (i > 1 ? ", " : "") "{\"statement\": \"" pick(verbs) " " pick(objects[sector]) \
		    " in " subject " " pick(conditions) "\", \"esco_skills\": []}"
	}
	return out "]"
}

function translated_outcomes_json(language, n,    i, out) {
	out = "["
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? ", " : "") "\"" pick(outcome_translations[language]) "\""
	return out "]"
}

function flush(    i) {
	if (mc_rows == "")
		return
	print "INSERT INTO microcredentials (id, promoting_organisation_id, status, created_at, updated_at," \
	    " published_at) VALUES" mc_rows ";"
	print "INSERT INTO microcredential_versions (microcredential_id, version, status, title, summary," \
	    " learning_outcomes, eqf_level, workload_hours, ects_credits, assessment_type," \
	    " participation_form, quality_assurance, language, delivery_languages, esco_occupations," \
	    " supervision, stackability, validity_months, created_at, updated_at, submitted_at," \
	    " approved_at, published_at) VALUES" version_rows ";"
	if (translation_rows != "") {
		print "INSERT INTO microcredential_translations (version_id, language, title, summary," \
		    " learning_outcomes) SELECT v.id, t.language, t.title, t.summary, t.learning_outcomes" \
		    " FROM (" translation_rows ") AS t JOIN microcredential_versions AS v" \
		    " ON v.microcredential_id = t.microcredential_id AND v.version = t.version;"
	}
	mc_rows = version_rows = translation_rows = ""
}

# Appends one version row; status is published or superseded.
function add_version(id, version, status, days_ago,    sector, subject, s, title, summary, n,
    eqf, hours, ects, language, delivery, occupations, k, occ, seen, published, lo) {
	sector = pick_index(5)
	s = pick_index(subject_count[sector])
	subject = subjects[sector, s]
	eqf = 2 + int((rand() + rand()) * 3)
	hours = pick("8|12|16|20|25|30|30|40|40|50|60|75|90|120|150")
	ects = rand() < 0.3 ? "NULL" : sprintf("%.1f", hours / 25 < 0.5 ? 0.5 : int(hours / 25 * 2 + 0.5) / 2)
	language = rand() < 0.85 ? "en" : pick("de|es|fr|it")
	delivery_count = 0
	delete delivery
	delivery[++delivery_count] = language
	if (rand() < 0.4)
		delivery[++delivery_count] = pick("de|es|fr|it|pt|pl|nl|sv")
	if (delivery_count == 2 && delivery[2] == delivery[1])
		delivery_count = 1
	n = 1 + int(rand() * 3)
	delete occ
	delete seen
	k = 0
	while (k < n) {
		occupation = occupations_list[1 + (sector * 7 + int(rand() * 12)) % occupation_count]
		if (!(occupation in seen)) {
			seen[occupation] = 1
			occ[++k] = occupation
		}
	}
	title = pick(prefixes) " " subject
	if (rand() < 0.35)
		title = title " for " pick(audiences)
	summary = "Learners " pick(verbs) " " pick(objects[sector]) " in " subject " " pick(conditions) \
	    ". The course covers " pick(objects[sector]) " and " pick(topics[sector]) " through " \
	    pick(methods) "."
	published = sprintf("UTC_TIMESTAMP(6) - INTERVAL %d DAY - INTERVAL %d MINUTE", days_ago, int(rand() * 1440))
	lo = outcomes_json(sector, subject, 3 + int(rand() * 3))
	version_rows = version_rows (version_rows == "" ? "\n" : ",\n") sprintf("(%d, %d, '%s', '%s', '%s', '%s'," \
	    " %d, %d, %s, '%s', '%s', 'Validated by the alliance', '%s', '%s', '%s', '%s', '%s', %s, %s, %s, %s, %s, %s)",
	    id, version, status, title, summary, lo, eqf, hours, ects, pick(assessments), pick(participation),
	    language, json_strings(delivery, delivery_count), json_strings(occ, n), pick(supervision),
	    rand() < 0.5 ? "stand_alone" : "stackable", rand() < 0.5 ? "NULL" : pick("24|36|60"),
	    published, published, published, published, published)

	# About one in three gets a translation; one whose original is not English always gets an
	# English one, as the alliance asks.
	if (language != "en") {
		add_translation(id, version, "en", title, summary, lo)
	} else if (rand() < 0.3) {
		t = pick("de|es")
		add_translation(id, version, t, title_translations[t, sector] " " subject,
		    summary_translations[t] " " subject ".", translated_outcomes_json(t, 3))
	}
}

# Appends one translation; for English the outcomes are the statements of lo.
function add_translation(id, version, language, title, summary, lo,    statements) {
	if (language == "en") {
		statements = lo
		gsub(/, "esco_skills": \[\]\}/, "", statements)
		gsub(/\{"statement": /, "", statements)
		lo = statements
	}
	translation_rows = translation_rows (translation_rows == "" ? "" : " UNION ALL ") \
	    sprintf("SELECT %d AS microcredential_id, %d AS version, '%s' AS language, '%s' AS title," \
	    " '%s' AS summary, '%s' AS learning_outcomes", id, version, language, title, summary, lo)
}

BEGIN {
	srand(seed)
	while ((getline line < organisations_file) > 0)
		organisations_list[++organisation_count] = line
	while ((getline line < occupations_file) > 0)
		occupations_list[++occupation_count] = line
	if (organisation_count == 0 || occupation_count == 0) {
		print "generate-microcredentials.awk: no organisations or ESCO occupations to draw from" > "/dev/stderr"
		exit 1
	}

	n = split("concrete formwork|scaffolding safety|site supervision|brick masonry|lime plastering|" \
	    "drywall installation|floor screeding|roofing membranes|basement waterproofing|site logistics|" \
	    "BIM coordination|selective demolition", list, "|")
	for (i = 1; i <= n; i++) subjects[1, i] = list[i]
	subject_count[1] = n
	n = split("timber framing|cross laminated timber|glulam beams|joinery|kiln drying of timber|" \
	    "sawmill operations|timber grading|wood preservation|stair building|hardwood flooring|" \
	    "log construction|timber facades", list, "|")
	for (i = 1; i <= n; i++) subjects[2, i] = list[i]
	subject_count[2] = n
	n = split("upholstery|CNC machining of panels|furniture finishing|veneering|cabinet making|" \
	    "ergonomic seating|lacquer spraying|furniture restoration|modular kitchens|chair making|" \
	    "edge banding|solid wood tables", list, "|")
	for (i = 1; i <= n; i++) subjects[3, i] = list[i]
	subject_count[3] = n
	n = split("kiln firing|glaze formulation|slip casting|tile pressing|brick production|" \
	    "porcelain decoration|clay preparation|ceramic 3D printing|refractory linings|sanitary ware|" \
	    "terracotta restoration|ceramic tiling", list, "|")
	for (i = 1; i <= n; i++) subjects[4, i] = list[i]
	subject_count[4] = n
	n = split("energy retrofit|heat pump installation|airtightness testing|passive house design|" \
	    "photovoltaic integration|green roofs|circular demolition|life cycle assessment|" \
	    "thermal insulation|straw bale construction|rainwater harvesting|nearly zero energy buildings",
	    list, "|")
	for (i = 1; i <= n; i++) subjects[5, i] = list[i]
	subject_count[5] = n

	objects[1] = "load calculations|site safety plans|setting out|quality checks|work sequences|material lists|tolerances"
	objects[2] = "moisture content|timber joints|fastener schedules|structural drawings|cutting lists|fire protection"
	objects[3] = "surface preparation|machine programs|material yield|finishing schedules|assembly jigs|customer briefs"
	objects[4] = "firing curves|raw material tests|defect analysis|mould making|surface glazes|energy use of kilns"
	objects[5] = "energy balances|thermal bridges|blower door results|renovation roadmaps|material passports|carbon footprints"
	topics[1] = "health and safety rules|European standards|digital site diaries|lean construction"
	topics[2] = "forest certification|timber moisture|wood species|prefabrication"
	topics[3] = "design for disassembly|eco-design|surface coatings|digital manufacturing"
	topics[4] = "kiln atmospheres|glaze chemistry|decarbonisation of firing|raw materials"
	topics[5] = "energy performance certificates|renewable heating|circular economy|building physics"
	verbs = "plan|carry out|check|document|explain|select|measure|supervise|calculate|inspect"
	conditions = "under supervision|on a real site|in a workshop setting|following the manufacturer instructions|to European standards|with digital tools"
	methods = "workshop practice|site visits|online modules|case studies|simulations|a final project"
	prefixes = "Introduction to|Advanced|Fundamentals of|Practical|Digital tools for|Quality control in|Safety in|Sustainable|Supervising|Planning"
	audiences = "site workers|small companies|apprentices|supervisors|designers|installers|trainers"
	assessments = "Practical assessment in a workshop|Written test and practical task|Portfolio with a final interview|Online test with proctoring"
	participation = "online|onsite|onsite|blended|blended"
	supervision = "unsupervised_no_id_check|supervised_no_id_check|supervised_with_id_check"

	title_translations["de", 1] = "Bauausführung:"
	title_translations["de", 2] = "Holzbau:"
	title_translations["de", 3] = "Möbelbau:"
	title_translations["de", 4] = "Keramik:"
	title_translations["de", 5] = "Nachhaltiges Bauen:"
	title_translations["es", 1] = "Construcción:"
	title_translations["es", 2] = "Construcción en madera:"
	title_translations["es", 3] = "Fabricación de muebles:"
	title_translations["es", 4] = "Cerámica:"
	title_translations["es", 5] = "Edificación sostenible:"
	summary_translations["de"] = "Die Lernenden planen, prüfen und dokumentieren Arbeiten im Bereich"
	summary_translations["es"] = "Las personas participantes planifican, comprueban y documentan trabajos de"
	outcome_translations["de"] = "Arbeitsschritte planen und prüfen|Qualitätskontrollen durchführen|Sicherheitsregeln anwenden|Ergebnisse dokumentieren|Werkstoffe auswählen"
	outcome_translations["es"] = "Planificar y comprobar las tareas|Realizar controles de calidad|Aplicar las normas de seguridad|Documentar los resultados|Seleccionar los materiales"

	for (i = 0; i < count; i++) {
		id = first_id + i
		days_ago = int(rand() * 1000)
		organisation = organisations_list[pick_index(organisation_count)]
		mc_rows = mc_rows (mc_rows == "" ? "\n" : ",\n") sprintf("(%d, %d, 'published'," \
		    " UTC_TIMESTAMP(6) - INTERVAL %d DAY, UTC_TIMESTAMP(6) - INTERVAL %d DAY," \
		    " UTC_TIMESTAMP(6) - INTERVAL %d DAY)", id, organisation, days_ago + 30, days_ago, days_ago)
		if (rand() < 0.1) {
			add_version(id, 1, "superseded", days_ago + 200)
			add_version(id, 2, "published", days_ago)
		} else {
			add_version(id, 1, "published", days_ago)
		}
		if ((i + 1) % 500 == 0)
			flush()
	}
	flush()
}
