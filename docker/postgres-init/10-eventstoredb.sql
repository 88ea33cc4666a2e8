-- The read models of the eventstoredb profile (api-eventstoredb, worker-eventstoredb): a database of
-- their own, so that they never mix with the PostgreSQL-backed api and worker. Runs once, on an empty volume.
CREATE DATABASE fristvagt_eventstoredb OWNER fristvagt;
