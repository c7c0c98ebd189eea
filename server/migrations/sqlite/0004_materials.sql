-- 申请材料: uploaded files' metadata; the contents are in object storage
-- (LEQI_DATA_DIR/materials by default) under object_key. An upload starts
-- unattached (owner_kind 'unattached'); a workflow attaches it to its object
-- ('application', 'invitation_batch'). Copies share an object key.
CREATE TABLE materials (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    owner_kind TEXT NOT NULL,
    owner_id INTEGER,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    object_key TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX materials_owner ON materials (owner_kind, owner_id, id);
CREATE INDEX materials_object ON materials (object_key);
