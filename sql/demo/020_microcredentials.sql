-- Demo data: micro-credentials of the habitat sector, nine published, four loaded as drafts and one retired, so
-- that tests can check that the public catalogue lists only the published ones. Three of the drafts
-- belong to FLC, the organisation of the demo editor. ./mic moves two of them into validation once
-- the demo accounts exist (sql/demo/after-accounts/), because reviewer assignments and audit rows
-- name those accounts. Their times are relative to the load, so the queues show plausible ages.
-- Needs 010_organisations.sql and the ESCO rows of migration 002_reference_data.sql. Promoting
-- organisations are found by short_name, so an unknown short_name gives a NULL
-- promoting_organisation_id and the whole INSERT fails instead of linking the wrong organisation.
-- All times are UTC.

-- ESCO occupations, named by their preferred label.
SET @occupation_carpenter = 'http://data.europa.eu/esco/occupation/2a22ff9e-de3b-408d-b312-5034896cc4f4';
SET @occupation_window_installer = 'http://data.europa.eu/esco/occupation/353a22a7-1c55-410c-a7a7-c531692b5e50';
SET @occupation_cabinet_maker = 'http://data.europa.eu/esco/occupation/e1416610-ad08-4f37-8b46-9f99632a5c0f';
SET @occupation_furniture_designer = 'http://data.europa.eu/esco/occupation/bc4d1659-6860-488e-bc13-e87eb0e36f67';
SET @occupation_furniture_finisher = 'http://data.europa.eu/esco/occupation/fb6df00f-4810-442b-8f93-89b9580c7c9f';
SET @occupation_wooden_furniture_machine_operator = 'http://data.europa.eu/esco/occupation/77a05858-f682-4648-baa5-9b86deeffbc1';
SET @occupation_wood_products_assembler = 'http://data.europa.eu/esco/occupation/7eadbe33-d62e-4a82-8e3a-e89df5aefb2c';
SET @occupation_manufactured_wooden_building_assembler = 'http://data.europa.eu/esco/occupation/95da5e1b-cc1e-46bd-96c4-81d4f7003080';
SET @occupation_insulation_worker = 'http://data.europa.eu/esco/occupation/b2dab4fb-b7f7-4f57-94b2-9c0f0848564a';
SET @occupation_insulation_supervisor = 'http://data.europa.eu/esco/occupation/0181835d-dd00-49e2-9fc4-e1382a65957f';
SET @occupation_energy_assessor = 'http://data.europa.eu/esco/occupation/c7f5cab7-7cfb-47d7-890c-6b9c00a9eaaf';
SET @occupation_domestic_energy_assessor = 'http://data.europa.eu/esco/occupation/09e070ce-0afe-40bb-be90-530e5d42cdbd';
SET @occupation_energy_consultant = 'http://data.europa.eu/esco/occupation/de74eb4e-c95e-425a-9b3a-7be805ec0321';
SET @occupation_construction_manager = 'http://data.europa.eu/esco/occupation/faed05c0-c1d1-4e34-b575-0dea96459e56';
SET @occupation_building_inspector = 'http://data.europa.eu/esco/occupation/f0e479d9-7afd-40b1-b60f-b68c400c15fb';
SET @occupation_solar_energy_technician = 'http://data.europa.eu/esco/occupation/75b63949-1b93-4bf2-a777-ccf978dc3e8a';
SET @occupation_heating_engineer = 'http://data.europa.eu/esco/occupation/7259dc48-004a-4ceb-aa4e-5bbd548c2397';
SET @occupation_hvacr_service_engineer = 'http://data.europa.eu/esco/occupation/79f435d0-9bc6-4d25-a26a-acbe16569ebb';
SET @occupation_production_potter = 'http://data.europa.eu/esco/occupation/97896345-d102-4549-97a5-8851979e6938';
SET @occupation_brick_and_tile_caster = 'http://data.europa.eu/esco/occupation/b6a62e85-5ffe-41aa-8f2a-9959365dfe85';
SET @occupation_roofer = 'http://data.europa.eu/esco/occupation/b4c6d1b0-929e-48be-9f67-47bd8c30658b';
SET @occupation_architectural_drafter = 'http://data.europa.eu/esco/occupation/364cb5ca-3002-425f-b815-aefa513df78a';
SET @occupation_3d_modeller = 'http://data.europa.eu/esco/occupation/bab5fa79-7f96-4e21-87b6-1eba560b8d9a';

-- ESCO skills and knowledge, named by their preferred label.
SET @skill_energy_performance_of_buildings = 'http://data.europa.eu/esco/skill/4e09e2d2-e317-47d2-bf5e-1d6c66be3efc';
SET @skill_install_insulation_material = 'http://data.europa.eu/esco/skill/7eea6974-d606-4175-b95e-f66554816783';
SET @skill_types_of_insulation_material = 'http://data.europa.eu/esco/skill/0d0fe364-462d-48dd-b54b-e972e2bdecb1';
SET @skill_inspect_insulation = 'http://data.europa.eu/esco/skill/86504425-1b0b-472e-8b85-ff7431d60f7e';
SET @skill_install_heat_pump = 'http://data.europa.eu/esco/skill/00735755-adc6-4ea0-b034-b8caff339c9f';
SET @skill_advise_on_heating_systems_energy_efficiency = 'http://data.europa.eu/esco/skill/8614b988-b907-473e-a701-47b525959dc8';
SET @skill_renewable_energy_technologies = 'http://data.europa.eu/esco/skill/f8413360-6114-40de-a276-c59b764b9913';
SET @skill_types_of_photovoltaic_panels = 'http://data.europa.eu/esco/skill/8248a071-5307-4a64-a62d-643a35ec31e2';
SET @skill_circular_economy = 'http://data.europa.eu/esco/skill/22c45bf7-e52b-475f-847b-c32a87f65a5d';
SET @skill_use_sustainable_materials_and_components = 'http://data.europa.eu/esco/skill/73576419-31c2-4e45-8e30-ab1afec3db4e';
SET @skill_assess_environmental_impact = 'http://data.europa.eu/esco/skill/e541c69c-ea80-4b17-87cb-4001d0b9d303';
SET @skill_manage_environmental_impact_of_operations = 'http://data.europa.eu/esco/skill/d86babea-bf8b-4552-81a8-daf706066ad6';
SET @skill_use_cad_software = 'http://data.europa.eu/esco/skill/b34e2ba1-9080-48c9-9b42-ee9192a4d3f1';
SET @skill_3d_modelling = 'http://data.europa.eu/esco/skill/97965983-0da4-4902-9daf-d5cd2693ef73';
SET @skill_interpret_3d_plans = 'http://data.europa.eu/esco/skill/aafbb139-02c6-4f35-bc62-ff73faf97d6d';
SET @skill_program_a_cnc_controller = 'http://data.europa.eu/esco/skill/bf942c60-8539-4951-83ee-63f770da1cb8';
SET @skill_carpentry = 'http://data.europa.eu/esco/skill/19858dd3-a5fe-4855-b644-6ecfefd1c384';
SET @skill_woodworking_processes = 'http://data.europa.eu/esco/skill/0f9098d1-9bcd-453c-a9ec-e8b635705976';
SET @skill_ceramics_glazes = 'http://data.europa.eu/esco/skill/92f8ebaa-da5f-4159-9b33-ac8dc4b9c84e';
SET @skill_control_kiln_firing = 'http://data.europa.eu/esco/skill/3e8aee6b-9ec5-486d-b8c8-ed69098e8b1d';

SET @quality_assurance_en = 'Validated by the Habitat Sector Skills Certification Alliance against its quality approach; internal quality assurance of the promoting organisation';

-- learning_outcomes and esco_occupations are built with JSON_ARRAY and JSON_OBJECT, so MariaDB
-- writes valid JSON and the ESCO URIs can be referred to by name. A skill list is empty where no
-- ESCO skill of the reference table fits the outcome.

INSERT INTO microcredentials
  (title, summary, learning_outcomes, eqf_level, workload_hours, ects_credits, assessment_type,
   participation_form, quality_assurance, language, esco_occupations, promoting_organisation_id,
   status, created_at, updated_at, published_at)
VALUES
(
  'Installing thermal insulation in timber-frame walls',
  'Learners fill the cavities of timber-frame walls with insulation so that the layer is continuous, without gaps or compressed material. They fit and seal the vapour control layer on the warm side of the wall. The assessment is a wall section that the learner insulates in the workshop and an instructor checks.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Compare mineral wool, wood fibre and cellulose insulation for timber-frame walls by thermal conductivity, fire behaviour and moisture behaviour.',
                'esco_skills', JSON_ARRAY(@skill_types_of_insulation_material)),
    JSON_OBJECT('statement', 'Measure stud cavities and cut batts or boards to fit tightly without compressing the material.',
                'esco_skills', JSON_ARRAY(@skill_install_insulation_material)),
    JSON_OBJECT('statement', 'Install insulation between studs and around services, window openings and corners so that no gaps or thermal bridges remain.',
                'esco_skills', JSON_ARRAY(@skill_install_insulation_material)),
    JSON_OBJECT('statement', 'Fit a vapour control layer on the warm side of the insulation, tape its overlaps and seal every penetration.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Inspect a finished wall section for gaps, compressed insulation and damaged membranes, then record and correct each defect.',
                'esco_skills', JSON_ARRAY(@skill_inspect_insulation)),
    JSON_OBJECT('statement', 'Handle fibrous insulation safely, using the required personal protective equipment and keeping dust under control.',
                'esco_skills', JSON_ARRAY())
  ),
  3, 40, 1.5,
  'Practical demonstration assessed by an instructor, with a short written test',
  'blended',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_insulation_worker, @occupation_carpenter, @occupation_manufactured_wooden_building_assembler),
  (SELECT id FROM organisations WHERE short_name = 'FLC'),
  'published', '2026-01-05 09:00:00', '2026-01-20 09:00:00', '2026-01-20 09:00:00'
),
(
  'Ensayo de estanqueidad al aire de edificios con puerta soplante (blower door)',
  'Esta microcredencial acredita la capacidad de medir la permeabilidad al aire de una vivienda con el método de presurización con ventilador de la norma UNE-EN ISO 9972. La persona candidata prepara el edificio, realiza el ensayo en depresión y en sobrepresión, localiza las fugas e interpreta los resultados. La evaluación consiste en un ensayo real supervisado por un instructor y en el informe técnico correspondiente.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Explica cómo influye la estanqueidad al aire en la demanda energética, el confort y el riesgo de condensaciones de un edificio.',
                'esco_skills', JSON_ARRAY(@skill_energy_performance_of_buildings)),
    JSON_OBJECT('statement', 'Prepara el edificio para el ensayo: sella temporalmente las aberturas de ventilación previstas y documenta el estado de ventanas, puertas y conductos.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Monta el equipo de puerta soplante y realiza las series de medida en depresión y en sobrepresión según la norma UNE-EN ISO 9972.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Localiza las fugas de aire con humo trazador o termografía infrarroja y las relaciona con defectos de la barrera de aire y del aislamiento.',
                'esco_skills', JSON_ARRAY(@skill_inspect_insulation)),
    JSON_OBJECT('statement', 'Calcula la tasa de renovación de aire n50 y la permeabilidad q50, y redacta un informe con los resultados y las mejoras propuestas.',
                'esco_skills', JSON_ARRAY(@skill_energy_performance_of_buildings))
  ),
  4, 30, 1.0,
  'Ensayo práctico supervisado por un instructor e informe técnico',
  'onsite',
  'Validada por la Habitat Sector Skills Certification Alliance conforme a su enfoque de calidad; aseguramiento interno de la calidad de la organización promotora',
  'es',
  JSON_ARRAY(@occupation_energy_assessor, @occupation_building_inspector, @occupation_insulation_supervisor),
  (SELECT id FROM organisations WHERE short_name = 'ICCL'),
  'published', '2026-01-26 10:30:00', '2026-02-10 10:30:00', '2026-02-10 10:30:00'
),
(
  'CNC programming for furniture parts',
  'Learners turn the drawing of a furniture part into a working program for a CNC machining centre that cuts, drills and grooves panels and solid wood. They set up tools and work holding, run the program safely and check the first part against the drawing. The assessment is a set of parts machined from the learner''s own programs.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Interpret 2D and 3D drawings of furniture parts and derive the machining operations, their order and the reference faces.',
                'esco_skills', JSON_ARRAY(@skill_interpret_3d_plans)),
    JSON_OBJECT('statement', 'Draw or import the part geometry in CAD/CAM software and generate toolpaths for contouring, pocketing, drilling and grooving.',
                'esco_skills', JSON_ARRAY(@skill_use_cad_software)),
    JSON_OBJECT('statement', 'Write and edit CNC programs with the tool numbers, spindle speeds, feed rates and work offsets that the machine controller needs.',
                'esco_skills', JSON_ARRAY(@skill_program_a_cnc_controller)),
    JSON_OBJECT('statement', 'Select cutters and set up vacuum or mechanical work holding suited to panel materials and solid wood.',
                'esco_skills', JSON_ARRAY(@skill_woodworking_processes)),
    JSON_OBJECT('statement', 'Simulate a program, machine a first part, measure it against the drawing and correct the program where the part is out of tolerance.',
                'esco_skills', JSON_ARRAY(@skill_program_a_cnc_controller))
  ),
  4, 60, 2.0,
  'Practical demonstration assessed by an instructor: parts machined from the learner''s own programs',
  'blended',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_wooden_furniture_machine_operator, @occupation_cabinet_maker),
  (SELECT id FROM organisations WHERE short_name = 'CETEM'),
  'published', '2026-02-16 08:00:00', '2026-03-03 08:00:00', '2026-03-03 08:00:00'
),
(
  'Avaliação do desempenho energético de habitações existentes',
  'Esta microcredencial certifica a capacidade de avaliar o desempenho energético de uma habitação existente a partir de uma visita ao local e dos dados do edifício. O formando caracteriza a envolvente e os sistemas técnicos, estima as necessidades de energia e propõe medidas de melhoria com os respetivos custos e poupanças. A avaliação combina um questionário online com o relatório de um caso real.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Recolher numa visita ao local os dados da envolvente, dos vãos envidraçados e dos sistemas técnicos de uma habitação.',
                'esco_skills', JSON_ARRAY(@skill_energy_performance_of_buildings)),
    JSON_OBJECT('statement', 'Calcular os coeficientes de transmissão térmica das soluções construtivas e identificar as pontes térmicas mais relevantes.',
                'esco_skills', JSON_ARRAY(@skill_energy_performance_of_buildings)),
    JSON_OBJECT('statement', 'Estimar as necessidades de energia para aquecimento, arrefecimento e águas quentes sanitárias com uma ferramenta de cálculo adequada.',
                'esco_skills', JSON_ARRAY(@skill_energy_performance_of_buildings)),
    JSON_OBJECT('statement', 'Avaliar a eficiência dos sistemas de aquecimento e de produção de água quente e aconselhar o proprietário sobre alternativas mais eficientes.',
                'esco_skills', JSON_ARRAY(@skill_advise_on_heating_systems_energy_efficiency)),
    JSON_OBJECT('statement', 'Propor medidas de melhoria, como o reforço do isolamento ou a instalação de energias renováveis, e comparar o seu custo, a poupança e o período de retorno.',
                'esco_skills', JSON_ARRAY(@skill_renewable_energy_technologies)),
    JSON_OBJECT('statement', 'Redigir para o proprietário um relatório claro com a classe energética estimada e as medidas prioritárias.',
                'esco_skills', JSON_ARRAY())
  ),
  5, 75, 3.0,
  'Questionário online e relatório de avaliação de um caso real',
  'blended',
  'Validada pela Habitat Sector Skills Certification Alliance segundo a sua abordagem de qualidade; garantia interna da qualidade da organização promotora',
  'pt',
  JSON_ARRAY(@occupation_domestic_energy_assessor, @occupation_energy_assessor, @occupation_energy_consultant),
  (SELECT id FROM organisations WHERE short_name = 'UAVR'),
  'published', '2026-03-02 14:00:00', '2026-03-17 14:00:00', '2026-03-17 14:00:00'
),
(
  -- No ECTS credits, to show a micro-credential whose workload is given in hours only.
  'Glazing and firing ceramic tiles',
  'Learners prepare glazes for wall and floor tiles, apply them by spraying, bell or waterfall, and fire the tiles in a kiln to a set firing curve. They check the fired tiles for common glaze and firing defects and trace each defect to its cause. The assessment is a batch of tiles that the learner glazes and fires under an instructor''s observation.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Describe the composition of common tile glazes and engobes and how frits, colourants and opacifiers change the fired surface.',
                'esco_skills', JSON_ARRAY(@skill_ceramics_glazes)),
    JSON_OBJECT('statement', 'Prepare a glaze suspension to the specified density and viscosity and check it before use.',
                'esco_skills', JSON_ARRAY(@skill_ceramics_glazes)),
    JSON_OBJECT('statement', 'Apply glaze to tile bodies by spraying, bell or waterfall at the specified weight per square metre.',
                'esco_skills', JSON_ARRAY(@skill_ceramics_glazes)),
    JSON_OBJECT('statement', 'Load a kiln and run a firing cycle, comparing the measured temperatures with the firing curve.',
                'esco_skills', JSON_ARRAY(@skill_control_kiln_firing)),
    JSON_OBJECT('statement', 'Identify defects such as crawling, pinholes, crazing and shade variation, and relate each to its probable cause in glazing or firing.',
                'esco_skills', JSON_ARRAY(@skill_ceramics_glazes, @skill_control_kiln_firing))
  ),
  3, 45, NULL,
  'Practical demonstration assessed by an instructor',
  'onsite',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_brick_and_tile_caster, @occupation_production_potter),
  (SELECT id FROM organisations WHERE short_name = 'CTCV'),
  'published', '2026-03-23 09:15:00', '2026-04-07 09:15:00', '2026-04-07 09:15:00'
),
(
  -- No EQF level, to show the "not applicable" case: an introductory course for staff in any role
  -- of a company.
  'Kreislaufwirtschaft in der Möbelindustrie',
  'Die Teilnehmenden lernen, wie Möbelbetriebe Werkstoffe im Kreislauf halten: mit langlebigen und reparierbaren Konstruktionen, sortenreinen Materialien, der Verwertung von Reststücken und Rücknahmemodellen. Sie analysieren die Material- und Abfallströme eines Betriebs und leiten daraus Verbesserungen ab. Die Prüfung erfolgt über einen Online-Fragebogen.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Erläutert die Grundsätze der Kreislaufwirtschaft und ihre Bedeutung für die Holz- und Möbelindustrie.',
                'esco_skills', JSON_ARRAY(@skill_circular_economy)),
    JSON_OBJECT('statement', 'Bewertet Holzwerkstoffe, Beschläge und Oberflächen nach Herkunft, Schadstoffgehalt, Reparierbarkeit und Wiederverwertbarkeit.',
                'esco_skills', JSON_ARRAY(@skill_use_sustainable_materials_and_components)),
    JSON_OBJECT('statement', 'Beschreibt Konstruktionsprinzipien, nach denen sich Möbel zerstörungsfrei zerlegen, reparieren und sortenrein verwerten lassen.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Analysiert die Material- und Abfallströme eines Möbelbetriebs und bestimmt deren wichtigste Umweltauswirkungen.',
                'esco_skills', JSON_ARRAY(@skill_assess_environmental_impact)),
    JSON_OBJECT('statement', 'Schlägt Maßnahmen vor, die Verschnitt, Abfall und Emissionen verringern, etwa die Wiederverwendung von Reststücken oder die Rücknahme von Altmöbeln.',
                'esco_skills', JSON_ARRAY(@skill_manage_environmental_impact_of_operations))
  ),
  NULL, 20, 0.8,
  'Online-Fragebogen',
  'online',
  'Validiert von der Habitat Sector Skills Certification Alliance nach ihrem Qualitätsansatz; interne Qualitätssicherung der anbietenden Organisation',
  'de',
  JSON_ARRAY(@occupation_furniture_designer, @occupation_cabinet_maker, @occupation_furniture_finisher, @occupation_wood_products_assembler),
  (SELECT id FROM organisations WHERE short_name = 'HCS'),
  'published', '2026-04-13 11:00:00', '2026-04-28 11:00:00', '2026-04-28 11:00:00'
),
(
  'Installing photovoltaic systems on residential roofs',
  'Learners install a grid-connected photovoltaic system on the roof of a house, from the mounting rails and panels to the DC cabling, the inverter connection and commissioning. They work at height with fall protection and follow the safety rules for DC circuits. The assessment is a complete installation on a training roof, checked by an instructor.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Compare monocrystalline, polycrystalline and thin-film panels and choose panels and an inverter that suit the roof, the household''s consumption and the grid connection.',
                'esco_skills', JSON_ARRAY(@skill_types_of_photovoltaic_panels, @skill_renewable_energy_technologies)),
    JSON_OBJECT('statement', 'Assess the orientation, tilt, shading and load-bearing capacity of a roof and mark out the layout of the panel array.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Fix mounting rails and panels to pitched and flat roofs without damaging the waterproofing, working at height with fall protection.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Wire panel strings, DC isolators and the inverter to the wiring diagram, with correct polarity, cable sizes and protective devices.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Commission the system by measuring open-circuit voltage, short-circuit current and insulation resistance, record the results and explain the system to the owner.',
                'esco_skills', JSON_ARRAY())
  ),
  4, 80, 3.0,
  'Practical demonstration assessed by an instructor',
  'onsite',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_solar_energy_technician, @occupation_roofer),
  (SELECT id FROM organisations WHERE short_name = 'IP CEEE'),
  'published', '2026-05-04 07:30:00', '2026-05-19 07:30:00', '2026-05-19 07:30:00'
),
(
  'Timber-frame assembly of prefabricated wall panels',
  'Learners assemble prefabricated timber-frame wall panels in a workshop, from reading the panel drawings to framing, sheathing, insulating and closing the panel. They work to the tolerances of off-site construction, so that the panels fit on site without rework. The assessment is a complete wall panel built to drawing and checked by an instructor.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Read panel shop drawings and cutting lists and locate studs, plates, lintels, openings and service zones.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Cut and join the timber frame on an assembly table, keeping the panel square and within the specified dimensional tolerances.',
                'esco_skills', JSON_ARRAY(@skill_carpentry, @skill_woodworking_processes)),
    JSON_OBJECT('statement', 'Fix sheathing boards with the specified fasteners and spacing so that the panel acts as a bracing element.',
                'esco_skills', JSON_ARRAY(@skill_carpentry)),
    JSON_OBJECT('statement', 'Install insulation and the vapour control layer in the panel and prepare the openings for windows and services.',
                'esco_skills', JSON_ARRAY(@skill_install_insulation_material)),
    JSON_OBJECT('statement', 'Check the finished panel against the drawing, label it and prepare it for storage, transport and lifting.',
                'esco_skills', JSON_ARRAY())
  ),
  4, 50, 2.0,
  'Practical demonstration assessed by an instructor',
  'onsite',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_manufactured_wooden_building_assembler, @occupation_carpenter, @occupation_wood_products_assembler),
  (SELECT id FROM organisations WHERE short_name = 'CESEFOR'),
  'published', '2026-05-25 09:00:00', '2026-06-09 09:00:00', '2026-06-09 09:00:00'
),
(
  -- No outcome links a BIM skill, because no ESCO URI for BIM was confirmed for the reference table.
  'BIM basics for renovation projects',
  'Learners build a simple building information model of an existing building from survey data and use it to plan a renovation. They model walls, floors, roofs and openings with their material layers, place the planned changes in separate phases and take quantities and drawings from the model. The assessment is a portfolio with the learner''s model and the outputs taken from it.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Explain what a building information model contains and how owners, designers and contractors exchange it in open formats such as IFC.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Model an existing building from survey drawings and measurements, with walls, floors, roof and openings carrying their material layers.',
                'esco_skills', JSON_ARRAY(@skill_3d_modelling)),
    JSON_OBJECT('statement', 'Assign existing, demolished and new elements to renovation phases and show each phase in plans and 3D views.',
                'esco_skills', JSON_ARRAY(@skill_3d_modelling, @skill_use_cad_software)),
    JSON_OBJECT('statement', 'Extract quantity take-offs of wall areas, windows and finishes from the model as the basis of a cost estimate.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Review a model received from another discipline and report clashes and missing information.',
                'esco_skills', JSON_ARRAY(@skill_interpret_3d_plans))
  ),
  5, 50, 2.0,
  'Portfolio of completed work',
  'online',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_architectural_drafter, @occupation_3d_modeller, @occupation_construction_manager),
  (SELECT id FROM organisations WHERE short_name = 'FHS'),
  'published', '2026-08-31 12:00:00', '2026-09-15 12:00:00', '2026-09-15 12:00:00'
),
(
  -- Draft: still being written by the promoting organisation, never published.
  'Installing air-to-water heat pumps in single-family houses',
  'Learners install and commission an air-to-water heat pump that replaces a fossil-fuel boiler in a single-family house. They size the unit from the heat loss of the house, connect it to the existing heating circuit and set the controls for low flow temperatures. The assessment is an installation on a training rig, checked by an instructor.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Estimate the heat loss of a house and select a heat pump and a buffer tank of suitable capacity.',
                'esco_skills', JSON_ARRAY(@skill_renewable_energy_technologies)),
    JSON_OBJECT('statement', 'Position and mount the outdoor and indoor units, keeping the clearances, noise limits and condensate drainage that the manufacturer specifies.',
                'esco_skills', JSON_ARRAY(@skill_install_heat_pump)),
    JSON_OBJECT('statement', 'Connect the heat pump to the heating circuit and the hot water cylinder, then fill, flush and vent the system.',
                'esco_skills', JSON_ARRAY(@skill_install_heat_pump)),
    JSON_OBJECT('statement', 'Set the heating curve and controls and advise the occupants on running the system efficiently.',
                'esco_skills', JSON_ARRAY(@skill_advise_on_heating_systems_energy_efficiency))
  ),
  4, 40, 1.5,
  'Practical demonstration assessed by an instructor',
  'blended',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_heating_engineer, @occupation_hvacr_service_engineer),
  (SELECT id FROM organisations WHERE short_name = 'DIMITRA'),
  'draft', '2026-11-02 10:00:00', '2026-11-20 16:45:00', NULL
),
(
  -- Retired after publication: the row stays because certificates may refer to it.
  'Fitting energy-efficient windows in existing openings',
  'Learners replace old windows in existing masonry openings with energy-efficient units. They fix the new frames, seal the joint between frame and wall airtight on the inside and weathertight on the outside, and finish the reveals. The assessment is a window fitted in a training wall and checked by an instructor.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Remove an old window without damaging the opening and prepare the reveals for the new frame.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Position, level and fix a new window frame with the anchors and packers that the manufacturer specifies.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Seal the joint between frame and wall with airtight tape on the inside, insulating foam in the gap and a weathertight membrane on the outside.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Adjust the sashes and hardware and check that the window opens, closes and seals correctly.',
                'esco_skills', JSON_ARRAY())
  ),
  3, 30, 1.0,
  'Practical demonstration assessed by an instructor',
  'onsite',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_window_installer, @occupation_carpenter),
  (SELECT id FROM organisations WHERE short_name = 'CIFP Tecnológico Industrial'),
  'retired', '2025-12-15 09:00:00', '2026-10-05 08:00:00', '2026-01-13 09:00:00'
),
(
  -- Draft of the demo editor's organisation, complete enough to be submitted.
  'Applying external thermal insulation composite systems to masonry walls',
  'Learners insulate the outside of an existing masonry wall with an external thermal insulation composite system (ETICS). They prepare the substrate, bond and anchor the insulation boards, embed the reinforcing mesh and apply the render, and they detail the system around windows, at the base of the wall and at the eaves. The assessment is a wall section on a training rig, checked by an instructor.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Check a masonry substrate for load-bearing capacity, moisture and loose material, and prepare it for bonding.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Choose insulation boards of expanded polystyrene, mineral wool or wood fibre for a given wall, fire requirement and thickness.',
                'esco_skills', JSON_ARRAY(@skill_types_of_insulation_material)),
    JSON_OBJECT('statement', 'Bond and anchor the boards in a staggered pattern with tight joints, filling any gap with the same material.',
                'esco_skills', JSON_ARRAY(@skill_install_insulation_material)),
    JSON_OBJECT('statement', 'Embed the reinforcing mesh with the specified overlaps and corner pieces, then apply the base coat and the finishing render.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Detail the system at window reveals, sills, the plinth and the eaves so that water drains away and no thermal bridge remains.',
                'esco_skills', JSON_ARRAY(@skill_inspect_insulation))
  ),
  3, 35, 1.5,
  'Practical demonstration assessed by an instructor',
  'onsite',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_insulation_worker, @occupation_insulation_supervisor),
  (SELECT id FROM organisations WHERE short_name = 'FLC'),
  'draft', UTC_TIMESTAMP(6) - INTERVAL 3 DAY, UTC_TIMESTAMP(6) - INTERVAL 1 DAY, NULL
),
(
  -- Submitted by the demo editor and waiting for the coordinator to assign reviewers.
  'Installing mechanical ventilation with heat recovery in dwellings',
  'Learners install a balanced mechanical ventilation system with heat recovery in a house or a flat. They place the unit, route and seal the ducts, fit the supply and extract terminals, and balance the air flows to the design values. The assessment is an installation on a training rig and the commissioning record that the learner fills in.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Explain why an airtight dwelling needs controlled ventilation and how heat recovery lowers its heating demand.',
                'esco_skills', JSON_ARRAY(@skill_energy_performance_of_buildings)),
    JSON_OBJECT('statement', 'Position the ventilation unit with access for maintenance, a condensate drain and sound isolation from the structure.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Route and seal supply and extract ducts, insulating those that pass through cold spaces.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Measure the air flow at each terminal, balance the system to the design values and record the results.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Show the occupants how to change the filters and use the boost and summer bypass modes.',
                'esco_skills', JSON_ARRAY(@skill_advise_on_heating_systems_energy_efficiency))
  ),
  4, 40, 1.5,
  'Practical demonstration assessed by an instructor, with a commissioning record',
  'blended',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_hvacr_service_engineer, @occupation_heating_engineer),
  (SELECT id FROM organisations WHERE short_name = 'FLC'),
  'draft', UTC_TIMESTAMP(6) - INTERVAL 9 DAY, UTC_TIMESTAMP(6) - INTERVAL 2 DAY, NULL
),
(
  -- In review: the coordinator asked for changes once, the editor resubmitted it, and one of the
  -- two reviewers, not the demo reviewer, has filled the checklist.
  'Insulating pitched roofs from the outside during re-roofing',
  'Learners insulate a pitched roof from above while its covering is replaced, so the rooms below stay in use. They lay an airtight membrane over the rafters, fit insulation between and above them, and add a vapour-open underlay and counter-battens before the new tiles go on. The practical part takes 24 of the 45 hours and is done on a training roof with a guard rail and a harness anchored to a fixed point. The assessment is a roof section checked by an instructor.',
  JSON_ARRAY(
    JSON_OBJECT('statement', 'Survey an existing roof for rafter size, moisture damage and the position of services before the covering is removed.',
                'esco_skills', JSON_ARRAY(@skill_inspect_insulation)),
    JSON_OBJECT('statement', 'Lay an airtight membrane over the rafters, loop it between them and seal it to the walls and every penetration.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Fit insulation between and above the rafters without gaps, choosing boards that carry the roof load.',
                'esco_skills', JSON_ARRAY(@skill_install_insulation_material, @skill_types_of_insulation_material)),
    JSON_OBJECT('statement', 'Install a vapour-open underlay, counter-battens and battens so that the roof covering is ventilated.',
                'esco_skills', JSON_ARRAY()),
    JSON_OBJECT('statement', 'Work on the roof with a guard rail and a harness anchored to a fixed point, and keep the building weathertight at the end of each day.',
                'esco_skills', JSON_ARRAY())
  ),
  4, 45, 2.0,
  'Practical demonstration on a training roof assessed by an instructor, with a short written test',
  'onsite',
  @quality_assurance_en,
  'en',
  JSON_ARRAY(@occupation_roofer, @occupation_insulation_worker, @occupation_carpenter),
  (SELECT id FROM organisations WHERE short_name = 'FLC'),
  'draft', UTC_TIMESTAMP(6) - INTERVAL 21 DAY, UTC_TIMESTAMP(6) - INTERVAL 11 DAY, NULL
);
