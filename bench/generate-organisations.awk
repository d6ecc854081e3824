# Prints the SQL that inserts benchmark organisations number `from` to `to` - 1, named
# "Bench <city> <kind>", in 15 countries. Called by bench/generate.sh.
BEGIN {
	split("ES Madrid,ES Valencia,DE Stuttgart,DE Rosenheim,AT Salzburg,AT Graz,IT Milano,IT Sassuolo," \
	    "FR Lyon,FR Nantes,PT Porto,PT Aveiro,PL Poznan,PL Krakow,BE Gent,BE Liege,NL Delft,NL Zwolle," \
	    "SE Vaxjo,SE Umea,FI Lahti,FI Tampere,CZ Brno,CZ Ostrava,SI Ljubljana,SI Maribor,DK Aarhus," \
	    "DK Odense,IE Cork,IE Galway", cities, ",")
	split("Building Academy,Timber Institute,Furniture Centre,Ceramics School,Vocational College," \
	    "University of Applied Sciences,Construction Federation,Green Building Cluster", kinds, ",")
	split("vet_provider,university,company,sector_organisation,research_centre,vet_provider," \
	    "sector_organisation,university", types, ",")

	print "INSERT INTO organisations (name, short_name, type, country, city, status) VALUES"
	for (i = from; i < to; i++) {
		split(cities[1 + i % 30], place, " ")
		# i and i + 30 share a city but never a kind, so every name is unique.
		kind = 1 + (int(i / 30) * 3 + i) % 8
		printf "%s('Bench %s %s %d', 'B%d', '%s', '%s', '%s', 'active')", (i > from ? ",\n" : ""),
		    place[2], kinds[kind], i + 1, i + 1, types[kind], place[1], place[2]
	}
	print ";"
}
