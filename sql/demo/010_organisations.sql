-- Demo data: the members of the HABITABLE alliance (Erasmus+ Centre of Vocational Excellence
-- project 101104680, June 2023 to May 2027), that is the coordinator AEICE and its 19 partners.
-- short_name is the acronym from the project's partner list. The launcher finds the coordinator by
-- short_name 'AEICE', and each short_name is unique here although the schema does not enforce it.
-- city and website stay NULL where the seat or the home page has not been checked.
-- NOTE: one project report also names a partner in Georgia, but its name is unconfirmed, so it is
-- not listed.

INSERT INTO organisations (name, short_name, type, country, city, website) VALUES
  -- Spain
  ('Clúster de Hábitat Eficiente', 'AEICE', 'sector_organisation', 'ES', 'Valladolid', NULL),
  ('Fundación Laboral de la Construcción', 'FLC', 'vet_provider', 'ES', NULL, NULL),
  ('Consejería de Educación de la Junta de Castilla y León', 'EDUCACYL', 'educational_authority', 'ES', NULL, NULL),
  ('Centro Integrado de Formación Profesional Pico Frentes', 'CIFP Pico Frentes', 'vet_provider', 'ES', NULL, NULL),
  ('Centro Integrado de Formación Profesional Tecnológico Industrial', 'CIFP Tecnológico Industrial', 'vet_provider', 'ES', NULL, NULL),
  ('Instituto para el Fomento del Desarrollo y la Formación', 'INFODEF', 'vet_provider', 'ES', NULL, NULL),
  ('Fundación Instituto de la Construcción de Castilla y León', 'ICCL', 'vet_provider', 'ES', NULL, NULL),
  ('Fundación Centro de Servicios y Promoción Forestal y de su Industria de Castilla y León', 'CESEFOR', 'research_centre', 'ES', NULL, NULL),
  ('Centro Tecnológico del Mueble y la Madera de la Región de Murcia', 'CETEM', 'research_centre', 'ES', NULL, 'https://cetem.es'),

  -- Portugal
  ('Cluster Habitat Sustentável', 'Centro Habitat', 'sector_organisation', 'PT', NULL, NULL),
  ('Centro Tecnológico da Cerâmica e do Vidro', 'CTCV', 'research_centre', 'PT', 'Coimbra', NULL),
  ('Universidade de Aveiro', 'UAVR', 'university', 'PT', 'Aveiro', NULL),

  -- Austria
  ('Holzcluster Steiermark', 'HCS', 'sector_organisation', 'AT', NULL, 'https://www.holzcluster-steiermark.at'),
  ('Institut für Bildungsforschung der Wirtschaft', 'ibw', 'research_centre', 'AT', NULL, NULL),
  ('Fachhochschule Salzburg', 'FHS', 'university', 'AT', NULL, NULL),

  -- Greece: the English names that the organisations use in European projects.
  ('Cluster of Bioeconomy and Environment of Western Macedonia', 'CluBE', 'sector_organisation', 'GR', NULL, NULL),
  ('DIMITRA Education & Consulting', 'DIMITRA', 'vet_provider', 'GR', NULL, 'https://www.dimitra.gr'),
  ('University of Thessaly', 'UTH', 'university', 'GR', NULL, NULL),

  -- Moldova
  ('Centrul de Excelență în Energetică și Electronică', 'IP CEEE', 'vet_provider', 'MD', NULL, NULL),
  -- NOTE: the project lists this construction college only by its acronym, so the acronym is also
  -- the name until the college's full name is confirmed.
  ('CONSTRUCT2', 'CONSTRUCT2', 'vet_provider', 'MD', NULL, NULL);

-- The founding members joined before their first micro-credentials were published (June 2026),
-- a few days apart, so that "Member since" is not the day the demo data was loaded.
UPDATE organisations SET joined_at = TIMESTAMP('2025-10-01 09:00:00') + INTERVAL (id * 4) DAY;
