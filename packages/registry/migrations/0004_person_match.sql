-- The registry's published read contract for set-based matching (ADR 0007). Other packages read
-- registry data through its exported functions; a bulk matching job joins an agency's million
-- records with the registry in one hash join, which no per-person function can do at that speed.
-- This view is the only registry relation another package may name in SQL, and only these
-- columns: what comparing an agency's record needs, nothing more (no biometrics, cards, events,
-- household or residence files). Its columns keep their names and meaning; a change here is an
-- API change of the registry, made by a new migration that keeps the old columns working.
--
-- Values are as the registry holds them: addresses as their stored JSON (unit names are resolved
-- by the registry's AdminUnits, in code), relatives' names as recorded with the person.
CREATE VIEW registry.person_match AS
SELECT p.id_number,
       p.full_name,
       p.other_names,
       p.date_of_birth,
       p.sex,
       p.old_id_number,
       p.place_of_birth,
       p.place_of_origin,
       p.ethnicity,
       p.religion,
       p.nationality,
       p.permanent_address,
       p.current_residence,
       p.phone,
       p.email,
       p.relatives -> 'father' ->> 'fullName' AS father_name,
       p.relatives -> 'mother' ->> 'fullName' AS mother_name,
       p.relatives -> 'spouse' ->> 'fullName' AS spouse_name,
       p.date_of_death
  FROM registry.person p;
