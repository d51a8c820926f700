-- Wards by guardian (and by legal representative), so a guardian's eID account can list them.
CREATE INDEX person_guardian ON registry.person (guardian_id_number) WHERE guardian_id_number IS NOT NULL;
CREATE INDEX person_legal_representative ON registry.person (legal_representative_id_number)
  WHERE legal_representative_id_number IS NOT NULL;
