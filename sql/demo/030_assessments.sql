-- Online assessments of two demo micro-credentials, so a newcomer can register as a learner (or
-- sign in as the demo learner) and take one. The heat pump micro-credential is a draft, so its
-- assessment can be taken only after it is published. Each question assesses one learning outcome, given by
-- its 0-based position in the micro-credential's list of learning outcomes. For single_choice,
-- correct is the index of the right option; for multiple_choice the indexes of every right option;
-- for ordering the option indexes in the right order; for true_false a boolean.

SET @heat_pumps = (SELECT id FROM microcredentials
  WHERE title = 'Installing air-to-water heat pumps in single-family houses');
SET @timber_frame = (SELECT id FROM microcredentials
  WHERE title = 'Timber-frame assembly of prefabricated wall panels');
-- The assessment belongs to the latest version of each micro-credential.
SET @heat_pumps_version = (SELECT id FROM microcredential_versions
  WHERE microcredential_id = @heat_pumps ORDER BY version DESC LIMIT 1);
SET @timber_frame_version = (SELECT id FROM microcredential_versions
  WHERE microcredential_id = @timber_frame ORDER BY version DESC LIMIT 1);

INSERT INTO assessments (microcredential_id, microcredential_version_id, questions_per_outcome, time_limit_minutes,
  pass_mark_percent, outcome_min_percent, max_attempts, wait_minutes)
VALUES
  (@heat_pumps, @heat_pumps_version, 1, 20, 70, 50, 3, 60),
  (@timber_frame, @timber_frame_version, 1, 25, 70, 50, 3, 60);

INSERT INTO assessment_questions (microcredential_id, microcredential_version_id, type, prompt, options, correct, outcomes, explanation)
VALUES
  (@heat_pumps, @heat_pumps_version, 'single_choice',
   'A house loses 8 kW of heat at the design outdoor temperature. Which heat pump rating fits best?',
   JSON_ARRAY('4 kW', '8 to 9 kW', '16 kW', '25 kW'), '1', '[0]',
   'The output at the design temperature should match the heat loss: an undersized unit runs on its backup heater, an oversized one cycles on and off and wears out early.'),
  (@heat_pumps, @heat_pumps_version, 'multiple_choice',
   'Which of these does the installer check before mounting the outdoor unit?',
   JSON_ARRAY('The clearances around the unit that the manufacturer specifies',
              'The sound level at the nearest window of the neighbours',
              'Where the condensate will drain, also in frost',
              'The colour of the indoor unit'),
   '[0, 1, 2]', '[1]',
   'Air flow, noise limits and frost-safe condensate drainage decide where the outdoor unit may stand; the colour of the indoor unit does not.'),
  (@heat_pumps, @heat_pumps_version, 'ordering',
   'Put the steps of putting the heating circuit into service in the right order.',
   JSON_ARRAY('Flush the circuit', 'Fill the circuit with treated water', 'Vent the air from the radiators', 'Check the system pressure'),
   '[0, 1, 2, 3]', '[2]',
   'Flushing removes dirt from the old boiler circuit before it is filled; venting comes after filling, and the pressure is checked once the air is out.'),
  (@heat_pumps, @heat_pumps_version, 'true_false',
   'A lower flow temperature on the heating curve usually raises the efficiency (COP) of the heat pump.',
   JSON_ARRAY('True', 'False'), 'true', '[3]',
   'The smaller the lift between the outdoor air and the flow temperature, the less work the compressor does for each kWh of heat.'),
  (@heat_pumps, @heat_pumps_version, 'single_choice',
   'What do you advise occupants who want to save energy with their new heat pump?',
   JSON_ARRAY('Switch it off at night and heat up fast in the morning',
              'Keep a steady indoor temperature and lower it only slightly at night',
              'Turn the thermostat to the maximum for a few hours a day',
              'Leave the backup heater on all the time'),
   '1', '[3]',
   'A heat pump works most efficiently at a steady, low flow temperature; large set-backs make it run hard or call on the backup heater.'),

  (@timber_frame, @timber_frame_version, 'single_choice',
   'On a panel shop drawing, what does the cutting list give you?',
   JSON_ARRAY('The length, section and number of every timber member',
              'The order in which the panels are lifted on site',
              'The U-value of the finished wall',
              'The colour of the façade'),
   '0', '[0]',
   'The cutting list lists every member of the frame with its section, length and quantity, so the timber can be cut before assembly.'),
  (@timber_frame, @timber_frame_version, 'true_false',
   'Measuring both diagonals of a frame and finding them equal shows that the frame is square.',
   JSON_ARRAY('True', 'False'), 'true', '[1]',
   'A rectangle has equal diagonals; a difference between them means the frame is out of square.'),
  (@timber_frame, @timber_frame_version, 'multiple_choice',
   'Which of these make the sheathing work as bracing?',
   JSON_ARRAY('The fastener type that the design specifies',
              'The specified fastener spacing along the edges of the boards',
              'Boards joined over studs or noggings',
              'Fixing the boards with glue only'),
   '[0, 1, 2]', '[2]',
   'Racking resistance comes from the fasteners at the specified spacing along supported board edges; glue alone is not a designed connection.'),
  (@timber_frame, @timber_frame_version, 'single_choice',
   'On which side of the insulation does the vapour control layer go in a heated building in a cold climate?',
   JSON_ARRAY('On the warm, inner side', 'On the cold, outer side', 'In the middle of the insulation', 'It does not matter'),
   '0', '[3]',
   'On the warm side it stops moist indoor air from reaching the cold parts of the wall, where it would condense.'),
  (@timber_frame, @timber_frame_version, 'ordering',
   'Put the final steps for a finished panel in the right order.',
   JSON_ARRAY('Check the panel against the drawing', 'Label the panel', 'Fit the lifting points', 'Stack it for transport'),
   '[0, 1, 2, 3]', '[4]',
   'Only a panel that passed the check gets its label; lifting points are fitted before the panel is moved to the transport stack.');

-- Spanish and French translations of some timber-frame questions. A field left NULL, and every
-- question without a translation, falls back to the English text.
INSERT INTO assessment_question_translations (question_id, language, prompt, options, explanation)
SELECT id, 'es',
  'En un plano de taller de paneles, ¿qué indica la lista de corte?',
  JSON_ARRAY('La longitud, la sección y el número de cada pieza de madera',
             'El orden en que se izan los paneles en obra',
             'La transmitancia (valor U) del muro terminado',
             'El color de la fachada'),
  'La lista de corte recoge cada pieza del entramado con su sección, longitud y cantidad, para cortar la madera antes del montaje.'
FROM assessment_questions
WHERE microcredential_version_id = @timber_frame_version AND prompt LIKE 'On a panel shop drawing%';

INSERT INTO assessment_question_translations (question_id, language, prompt, options, explanation)
SELECT id, 'es',
  'Si se miden las dos diagonales de un bastidor y son iguales, el bastidor está a escuadra.',
  NULL,
  'Un rectángulo tiene las diagonales iguales; si difieren, el bastidor no está a escuadra.'
FROM assessment_questions
WHERE microcredential_version_id = @timber_frame_version AND prompt LIKE 'Measuring both diagonals%';

INSERT INTO assessment_question_translations (question_id, language, prompt, options, explanation)
SELECT id, 'fr',
  'De quel côté de l''isolant se place le pare-vapeur dans un bâtiment chauffé en climat froid ?',
  JSON_ARRAY('Du côté chaud, intérieur', 'Du côté froid, extérieur', 'Au milieu de l''isolant', 'Cela n''a pas d''importance'),
  NULL
FROM assessment_questions
WHERE microcredential_version_id = @timber_frame_version AND prompt LIKE 'On which side of the insulation%';
