--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: activity_item; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity_item (
    id integer NOT NULL,
    record_id integer NOT NULL,
    name character varying NOT NULL,
    category character varying NOT NULL,
    quantity integer NOT NULL,
    unit character varying NOT NULL,
    approximate boolean NOT NULL
);


--
-- Name: activity_item_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.activity_item_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: activity_item_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.activity_item_id_seq OWNED BY public.activity_item.id;


--
-- Name: activity_photo; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity_photo (
    id integer NOT NULL,
    record_id integer NOT NULL,
    path character varying NOT NULL,
    media_id character varying NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: activity_photo_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.activity_photo_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: activity_photo_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.activity_photo_id_seq OWNED BY public.activity_photo.id;


--
-- Name: activity_record; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity_record (
    id integer NOT NULL,
    reporter_id character varying(64) NOT NULL,
    reporter_name character varying NOT NULL,
    channel character varying NOT NULL,
    group_code character varying NOT NULL,
    province character varying NOT NULL,
    city character varying NOT NULL,
    county character varying NOT NULL,
    township character varying NOT NULL,
    village character varying NOT NULL,
    date_start date NOT NULL,
    date_end date NOT NULL,
    place character varying NOT NULL,
    kind character varying NOT NULL,
    participants integer,
    participants_approx boolean NOT NULL,
    text character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone
);


--
-- Name: activity_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.activity_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: activity_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.activity_record_id_seq OWNED BY public.activity_record.id;


--
-- Name: broadcast; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.broadcast (
    id integer NOT NULL,
    created_by character varying NOT NULL,
    channel character varying NOT NULL,
    text character varying NOT NULL,
    audience character varying NOT NULL,
    group_codes character varying NOT NULL,
    leaders_only boolean NOT NULL,
    groups integer NOT NULL,
    people integer NOT NULL,
    scheduled_for timestamp with time zone,
    status character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    reported_at timestamp with time zone
);


--
-- Name: broadcast_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.broadcast_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: broadcast_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.broadcast_id_seq OWNED BY public.broadcast.id;


--
-- Name: familyprofile; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.familyprofile (
    channel character varying(16) NOT NULL,
    user_id character varying(128) NOT NULL,
    province character varying NOT NULL,
    city character varying NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: handoffticket; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handoffticket (
    id integer NOT NULL,
    channel character varying(16) NOT NULL,
    asker_id character varying(128) NOT NULL,
    account character varying NOT NULL,
    region character varying NOT NULL,
    question character varying NOT NULL,
    candidates character varying NOT NULL,
    status character varying NOT NULL,
    forwarded_to character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    answered_at timestamp with time zone,
    answered_by character varying NOT NULL,
    answer character varying NOT NULL,
    drafted boolean NOT NULL
);


--
-- Name: handoffticket_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.handoffticket_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: handoffticket_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.handoffticket_id_seq OWNED BY public.handoffticket.id;


--
-- Name: member; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.member (
    user_id character varying(64) NOT NULL,
    name character varying NOT NULL,
    role character varying NOT NULL,
    province character varying NOT NULL,
    city character varying NOT NULL,
    county character varying NOT NULL,
    township character varying NOT NULL,
    village character varying NOT NULL,
    group_code character varying NOT NULL,
    phone character varying NOT NULL,
    on_duty boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: membergroup; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.membergroup (
    code character varying(64) NOT NULL,
    name character varying NOT NULL,
    province character varying NOT NULL,
    city character varying NOT NULL,
    county character varying NOT NULL,
    township character varying NOT NULL,
    village character varying NOT NULL,
    leader_id character varying NOT NULL,
    channel character varying NOT NULL,
    chat_id character varying NOT NULL,
    robot_key character varying NOT NULL,
    user_ids character varying NOT NULL,
    party_ids character varying NOT NULL,
    tag_ids character varying NOT NULL,
    active boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: outboxmessage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outboxmessage (
    id integer NOT NULL,
    key character varying(255) NOT NULL,
    origin character varying(128) NOT NULL,
    target_kind character varying NOT NULL,
    target_ids character varying NOT NULL,
    account character varying NOT NULL,
    text character varying NOT NULL,
    duplicate_check boolean NOT NULL,
    status character varying NOT NULL,
    attempts integer NOT NULL,
    not_before timestamp with time zone NOT NULL,
    lease_until timestamp with time zone,
    last_error character varying NOT NULL,
    errcode integer NOT NULL,
    result character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone
);


--
-- Name: outboxmessage_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.outboxmessage_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: outboxmessage_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.outboxmessage_id_seq OWNED BY public.outboxmessage.id;


--
-- Name: reminder; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reminder (
    id integer NOT NULL,
    name character varying NOT NULL,
    kind character varying NOT NULL,
    spec character varying NOT NULL,
    text character varying NOT NULL,
    audience character varying NOT NULL,
    province character varying NOT NULL,
    city character varying NOT NULL,
    county character varying NOT NULL,
    township character varying NOT NULL,
    village character varying NOT NULL,
    calendar_code character varying NOT NULL,
    enabled boolean NOT NULL,
    created_by character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: reminder_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.reminder_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: reminder_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.reminder_id_seq OWNED BY public.reminder.id;


--
-- Name: reminderrun; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reminderrun (
    id integer NOT NULL,
    reminder_id integer NOT NULL,
    period character varying(32) NOT NULL,
    scheduled_for timestamp with time zone NOT NULL,
    ran_at timestamp with time zone NOT NULL,
    messages integer NOT NULL,
    late boolean NOT NULL,
    ran_by character varying NOT NULL
);


--
-- Name: reminderrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.reminderrun_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: reminderrun_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.reminderrun_id_seq OWNED BY public.reminderrun.id;


--
-- Name: activity_item id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_item ALTER COLUMN id SET DEFAULT nextval('public.activity_item_id_seq'::regclass);


--
-- Name: activity_photo id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_photo ALTER COLUMN id SET DEFAULT nextval('public.activity_photo_id_seq'::regclass);


--
-- Name: activity_record id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_record ALTER COLUMN id SET DEFAULT nextval('public.activity_record_id_seq'::regclass);


--
-- Name: broadcast id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.broadcast ALTER COLUMN id SET DEFAULT nextval('public.broadcast_id_seq'::regclass);


--
-- Name: handoffticket id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handoffticket ALTER COLUMN id SET DEFAULT nextval('public.handoffticket_id_seq'::regclass);


--
-- Name: outboxmessage id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outboxmessage ALTER COLUMN id SET DEFAULT nextval('public.outboxmessage_id_seq'::regclass);


--
-- Name: reminder id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminder ALTER COLUMN id SET DEFAULT nextval('public.reminder_id_seq'::regclass);


--
-- Name: reminderrun id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminderrun ALTER COLUMN id SET DEFAULT nextval('public.reminderrun_id_seq'::regclass);


--
-- Name: activity_item activity_item_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_item
    ADD CONSTRAINT activity_item_pkey PRIMARY KEY (id);


--
-- Name: activity_photo activity_photo_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_photo
    ADD CONSTRAINT activity_photo_pkey PRIMARY KEY (id);


--
-- Name: activity_record activity_record_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_record
    ADD CONSTRAINT activity_record_pkey PRIMARY KEY (id);


--
-- Name: broadcast broadcast_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.broadcast
    ADD CONSTRAINT broadcast_pkey PRIMARY KEY (id);


--
-- Name: familyprofile familyprofile_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.familyprofile
    ADD CONSTRAINT familyprofile_pkey PRIMARY KEY (channel, user_id);


--
-- Name: handoffticket handoffticket_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handoffticket
    ADD CONSTRAINT handoffticket_pkey PRIMARY KEY (id);


--
-- Name: member member_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.member
    ADD CONSTRAINT member_pkey PRIMARY KEY (user_id);


--
-- Name: membergroup membergroup_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.membergroup
    ADD CONSTRAINT membergroup_pkey PRIMARY KEY (code);


--
-- Name: outboxmessage outboxmessage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outboxmessage
    ADD CONSTRAINT outboxmessage_pkey PRIMARY KEY (id);


--
-- Name: reminder reminder_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminder
    ADD CONSTRAINT reminder_pkey PRIMARY KEY (id);


--
-- Name: reminderrun reminderrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminderrun
    ADD CONSTRAINT reminderrun_pkey PRIMARY KEY (id);


--
-- Name: reminderrun uq_reminder_period; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminderrun
    ADD CONSTRAINT uq_reminder_period UNIQUE (reminder_id, period);


--
-- Name: ix_activity_item_category; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_activity_item_category ON public.activity_item USING btree (category);


--
-- Name: ix_activity_item_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_activity_item_record_id ON public.activity_item USING btree (record_id);


--
-- Name: ix_activity_photo_record_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_activity_photo_record_id ON public.activity_photo USING btree (record_id);


--
-- Name: ix_activity_record_date_start; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_activity_record_date_start ON public.activity_record USING btree (date_start);


--
-- Name: ix_activity_record_group_code; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_activity_record_group_code ON public.activity_record USING btree (group_code);


--
-- Name: ix_activity_record_reporter_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_activity_record_reporter_id ON public.activity_record USING btree (reporter_id);


--
-- Name: ix_broadcast_created_by; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_broadcast_created_by ON public.broadcast USING btree (created_by);


--
-- Name: ix_broadcast_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_broadcast_status ON public.broadcast USING btree (status);


--
-- Name: ix_handoffticket_asker_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_handoffticket_asker_id ON public.handoffticket USING btree (asker_id);


--
-- Name: ix_handoffticket_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_handoffticket_status ON public.handoffticket USING btree (status);


--
-- Name: ix_member_group_code; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_member_group_code ON public.member USING btree (group_code);


--
-- Name: ix_outboxmessage_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_outboxmessage_key ON public.outboxmessage USING btree (key);


--
-- Name: ix_outboxmessage_not_before; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outboxmessage_not_before ON public.outboxmessage USING btree (not_before);


--
-- Name: ix_outboxmessage_origin; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outboxmessage_origin ON public.outboxmessage USING btree (origin);


--
-- Name: ix_outboxmessage_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outboxmessage_status ON public.outboxmessage USING btree (status);


--
-- Name: ix_reminder_calendar_code; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reminder_calendar_code ON public.reminder USING btree (calendar_code);


--
-- Name: ix_reminderrun_reminder_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reminderrun_reminder_id ON public.reminderrun USING btree (reminder_id);


--
-- Name: activity_item activity_item_record_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_item
    ADD CONSTRAINT activity_item_record_id_fkey FOREIGN KEY (record_id) REFERENCES public.activity_record(id);


--
-- Name: activity_photo activity_photo_record_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_photo
    ADD CONSTRAINT activity_photo_record_id_fkey FOREIGN KEY (record_id) REFERENCES public.activity_record(id);


--
-- PostgreSQL database dump complete
--


