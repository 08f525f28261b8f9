CREATE TABLE member (
	user_id VARCHAR(64) NOT NULL, 
	name VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	province VARCHAR NOT NULL, 
	city VARCHAR NOT NULL, 
	county VARCHAR NOT NULL, 
	township VARCHAR NOT NULL, 
	village VARCHAR NOT NULL, 
	group_code VARCHAR NOT NULL, 
	phone VARCHAR NOT NULL, 
	on_duty BOOLEAN NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (user_id)
);
CREATE INDEX ix_member_group_code ON member (group_code);
CREATE TABLE membergroup (
	code VARCHAR(64) NOT NULL, 
	name VARCHAR NOT NULL, 
	province VARCHAR NOT NULL, 
	city VARCHAR NOT NULL, 
	county VARCHAR NOT NULL, 
	township VARCHAR NOT NULL, 
	village VARCHAR NOT NULL, 
	leader_id VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	chat_id VARCHAR NOT NULL, 
	robot_key VARCHAR NOT NULL, 
	user_ids VARCHAR NOT NULL, 
	party_ids VARCHAR NOT NULL, 
	tag_ids VARCHAR NOT NULL, 
	active BOOLEAN NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (code)
);
CREATE TABLE outboxmessage (
	id INTEGER NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	origin VARCHAR(128) NOT NULL, 
	target_kind VARCHAR NOT NULL, 
	target_ids VARCHAR NOT NULL, 
	account VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	duplicate_check BOOLEAN NOT NULL, 
	status VARCHAR NOT NULL, 
	attempts INTEGER NOT NULL, 
	not_before DATETIME NOT NULL, 
	lease_until DATETIME, 
	last_error VARCHAR NOT NULL, 
	errcode INTEGER NOT NULL, 
	result VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_outboxmessage_origin ON outboxmessage (origin);
CREATE INDEX ix_outboxmessage_status ON outboxmessage (status);
CREATE INDEX ix_outboxmessage_not_before ON outboxmessage (not_before);
CREATE UNIQUE INDEX ix_outboxmessage_key ON outboxmessage ("key");
CREATE TABLE reminder (
	id INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	spec VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	audience VARCHAR NOT NULL, 
	province VARCHAR NOT NULL, 
	city VARCHAR NOT NULL, 
	county VARCHAR NOT NULL, 
	township VARCHAR NOT NULL, 
	village VARCHAR NOT NULL, 
	calendar_code VARCHAR NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	created_by VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_reminder_calendar_code ON reminder (calendar_code);
CREATE TABLE reminderrun (
	id INTEGER NOT NULL, 
	reminder_id INTEGER NOT NULL, 
	period VARCHAR(32) NOT NULL, 
	scheduled_for DATETIME NOT NULL, 
	ran_at DATETIME NOT NULL, 
	messages INTEGER NOT NULL, 
	late BOOLEAN NOT NULL, 
	ran_by VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_reminder_period UNIQUE (reminder_id, period)
);
CREATE INDEX ix_reminderrun_reminder_id ON reminderrun (reminder_id);
CREATE TABLE broadcast (
	id INTEGER NOT NULL, 
	created_by VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	audience VARCHAR NOT NULL, 
	group_codes VARCHAR NOT NULL, 
	leaders_only BOOLEAN NOT NULL, 
	groups INTEGER NOT NULL, 
	people INTEGER NOT NULL, 
	scheduled_for DATETIME, 
	status VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	reported_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_broadcast_status ON broadcast (status);
CREATE INDEX ix_broadcast_created_by ON broadcast (created_by);
CREATE TABLE familyprofile (
	channel VARCHAR(16) NOT NULL, 
	user_id VARCHAR(128) NOT NULL, 
	province VARCHAR NOT NULL, 
	city VARCHAR NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (channel, user_id)
);
CREATE TABLE handoffticket (
	id INTEGER NOT NULL, 
	channel VARCHAR(16) NOT NULL, 
	asker_id VARCHAR(128) NOT NULL, 
	account VARCHAR NOT NULL, 
	region VARCHAR NOT NULL, 
	question VARCHAR NOT NULL, 
	candidates VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	forwarded_to VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	answered_at DATETIME, 
	answered_by VARCHAR NOT NULL, 
	answer VARCHAR NOT NULL, 
	drafted BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_handoffticket_asker_id ON handoffticket (asker_id);
CREATE INDEX ix_handoffticket_status ON handoffticket (status);
CREATE TABLE activity_record (
	id INTEGER NOT NULL, 
	reporter_id VARCHAR(64) NOT NULL, 
	reporter_name VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	group_code VARCHAR NOT NULL, 
	province VARCHAR NOT NULL, 
	city VARCHAR NOT NULL, 
	county VARCHAR NOT NULL, 
	township VARCHAR NOT NULL, 
	village VARCHAR NOT NULL, 
	date_start DATE NOT NULL, 
	date_end DATE NOT NULL, 
	place VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	participants INTEGER, 
	participants_approx BOOLEAN NOT NULL, 
	text VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_activity_record_group_code ON activity_record (group_code);
CREATE INDEX ix_activity_record_reporter_id ON activity_record (reporter_id);
CREATE INDEX ix_activity_record_date_start ON activity_record (date_start);
CREATE TABLE activity_item (
	id INTEGER NOT NULL, 
	record_id INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	category VARCHAR NOT NULL, 
	quantity INTEGER NOT NULL, 
	unit VARCHAR NOT NULL, 
	approximate BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(record_id) REFERENCES activity_record (id)
);
CREATE INDEX ix_activity_item_record_id ON activity_item (record_id);
CREATE INDEX ix_activity_item_category ON activity_item (category);
CREATE TABLE activity_photo (
	id INTEGER NOT NULL, 
	record_id INTEGER NOT NULL, 
	path VARCHAR NOT NULL, 
	media_id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(record_id) REFERENCES activity_record (id)
);
CREATE INDEX ix_activity_photo_record_id ON activity_photo (record_id);
