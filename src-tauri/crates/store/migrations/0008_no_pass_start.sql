-- Append-only: never edit a migration once it has landed; add a new one.

-- When a pass began no longer decides anything: a snapshot's "already in the past" is
-- judged by the provider's clock at the page that completes the pass (a pass resumed
-- later would otherwise lose what started in the gap), and connectors keep their own
-- watermarks in their positions. The column goes rather than be kept up to date unread.
ALTER TABLE sync_state DROP COLUMN pass_started_at;
