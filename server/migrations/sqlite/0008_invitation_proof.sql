-- 单位关系证明材料: who may see a proof is decided by the invitations that carry it.
CREATE INDEX invitations_proof ON invitations (proof_material_id);
