"""The first screen's SQL for the sqlite3 driver (named parameters) and psycopg
(pyformat), compiled from the queue's SQLAlchemy statements by compile_sql.py. Generated: do not
edit; run `python -m app.services.first_screen.compile_sql` instead (a test says when this is
behind).

Each statement comes with the values of its constant parameters; read.py adds now_micros,
resolved_since, page_limit and login."""

# ruff: noqa: E501

SCHEMA_HEAD = "0015"

SQLITE_AGENT = "SELECT agents.id, agents.login, agents.name, agents.role, agents.active \nFROM agents \nWHERE agents.login = :login"

SQLITE_AGENT_CONSTANTS: dict[str, object] = {}

SQLITE_PAGE = "SELECT incidents.id, incidents.number, incidents.title, coalesce(services.name, :coalesce_1) AS service, coalesce(contacts.name, :coalesce_2) AS caller, incidents.status, incidents.hold_reason, incidents.priority, incidents.major, incidents.parent_id, incidents.assignee_id, coalesce(agents_1.name, :coalesce_3) AS assignee, incidents.team_id, coalesce(teams.name, :coalesce_4) AS team, (SELECT count(calls.id) AS count_1 \nFROM calls \nWHERE calls.incident_id = incidents.id) AS calls, incidents.opened_at, incidents.updated_at, incidents.acknowledged_at, incidents.resolved_at, incidents.respond_by, incidents.resolve_by, incidents.on_hold_since, incidents.next_update_due, incidents.version, incidents.drill_id IS NOT NULL AS drill, alert_groups.alert_name, alert_groups.labels, alert_groups.first_firing_at, alert_groups.last_firing_at, alert_groups.source_url, alert_groups.state, alert_groups.alert_count, alert_groups.flapping_since IS NOT NULL AS anon_1 \nFROM incidents LEFT OUTER JOIN services ON services.id = incidents.service_id LEFT OUTER JOIN contacts ON contacts.id = incidents.caller_id LEFT OUTER JOIN agents AS agents_1 ON agents_1.id = incidents.assignee_id LEFT OUTER JOIN teams ON teams.id = incidents.team_id JOIN (SELECT ranked.id AS id, ranked.k0 AS k0, ranked.k1 AS k1, ranked.k2 AS k2, ranked.k3 AS k3, ranked.k4 AS k4 \nFROM (SELECT keyed.id AS id, keyed.k0 AS k0, CASE WHEN (keyed.\"left\" < :left_1) THEN :param_1 ELSE :param_2 END AS k1, keyed.k2 AS k2, keyed.\"left\" AS k3, keyed.k4 AS k4 \nFROM (SELECT incidents.id AS id, CASE WHEN incidents.major THEN :param_3 ELSE :param_4 END AS k0, incidents.priority AS k2, CASE WHEN (incidents.acknowledged_at IS NULL AND incidents.resolved_at IS NULL) THEN (CAST(strftime(:strftime_1, substr(incidents.respond_by, :substr_1, :substr_2)) AS BIGINT) * :param_5 + CAST(substr(incidents.respond_by, :substr_3, :substr_4) AS BIGINT)) - :now_micros WHEN (incidents.resolved_at IS NOT NULL) THEN (CAST(strftime(:strftime_2, substr(incidents.resolve_by, :substr_5, :substr_6)) AS BIGINT) * :param_6 + CAST(substr(incidents.resolve_by, :substr_7, :substr_8) AS BIGINT)) - (CAST(strftime(:strftime_3, substr(incidents.resolved_at, :substr_9, :substr_10)) AS BIGINT) * :param_7 + CAST(substr(incidents.resolved_at, :substr_11, :substr_12) AS BIGINT)) WHEN (incidents.on_hold_since IS NOT NULL) THEN (CAST(strftime(:strftime_2, substr(incidents.resolve_by, :substr_5, :substr_6)) AS BIGINT) * :param_6 + CAST(substr(incidents.resolve_by, :substr_7, :substr_8) AS BIGINT)) - (CAST(strftime(:strftime_4, substr(incidents.on_hold_since, :substr_13, :substr_14)) AS BIGINT) * :param_8 + CAST(substr(incidents.on_hold_since, :substr_15, :substr_16) AS BIGINT)) ELSE (CAST(strftime(:strftime_2, substr(incidents.resolve_by, :substr_5, :substr_6)) AS BIGINT) * :param_6 + CAST(substr(incidents.resolve_by, :substr_7, :substr_8) AS BIGINT)) - :now_micros END AS \"left\", incidents.number AS k4 \nFROM incidents \nWHERE incidents.status IN ('in_progress', 'new', 'on_hold') UNION ALL SELECT incidents.id AS id, CASE WHEN incidents.major THEN :param_9 ELSE :param_10 END AS k0, incidents.priority AS k2, CASE WHEN (incidents.acknowledged_at IS NULL AND incidents.resolved_at IS NULL) THEN (CAST(strftime(:strftime_5, substr(incidents.respond_by, :substr_17, :substr_18)) AS BIGINT) * :param_11 + CAST(substr(incidents.respond_by, :substr_19, :substr_20) AS BIGINT)) - :now_micros WHEN (incidents.resolved_at IS NOT NULL) THEN (CAST(strftime(:strftime_6, substr(incidents.resolve_by, :substr_21, :substr_22)) AS BIGINT) * :param_12 + CAST(substr(incidents.resolve_by, :substr_23, :substr_24) AS BIGINT)) - (CAST(strftime(:strftime_7, substr(incidents.resolved_at, :substr_25, :substr_26)) AS BIGINT) * :param_13 + CAST(substr(incidents.resolved_at, :substr_27, :substr_28) AS BIGINT)) WHEN (incidents.on_hold_since IS NOT NULL) THEN (CAST(strftime(:strftime_6, substr(incidents.resolve_by, :substr_21, :substr_22)) AS BIGINT) * :param_12 + CAST(substr(incidents.resolve_by, :substr_23, :substr_24) AS BIGINT)) - (CAST(strftime(:strftime_8, substr(incidents.on_hold_since, :substr_29, :substr_30)) AS BIGINT) * :param_14 + CAST(substr(incidents.on_hold_since, :substr_31, :substr_32) AS BIGINT)) ELSE (CAST(strftime(:strftime_6, substr(incidents.resolve_by, :substr_21, :substr_22)) AS BIGINT) * :param_12 + CAST(substr(incidents.resolve_by, :substr_23, :substr_24) AS BIGINT)) - :now_micros END AS \"left\", incidents.number AS k4 \nFROM incidents \nWHERE incidents.resolved_at >= :resolved_since AND (incidents.status NOT IN ('in_progress', 'new', 'on_hold'))) AS keyed) AS ranked ORDER BY ranked.k0, ranked.k1, ranked.k2, ranked.k3, ranked.k4\n LIMIT :page_limit OFFSET :param_15) AS page ON page.id = incidents.id LEFT OUTER JOIN alert_groups ON alert_groups.incident_id = incidents.id ORDER BY page.k0, page.k1, page.k2, page.k3, page.k4"

SQLITE_PAGE_CONSTANTS: dict[str, object] = {
    "coalesce_1": "",
    "coalesce_2": "",
    "coalesce_3": "",
    "coalesce_4": "",
    "left_1": 0,
    "param_1": 0,
    "param_2": 1,
    "param_3": 0,
    "param_4": 1,
    "strftime_1": "%s",
    "substr_1": 1,
    "substr_2": 19,
    "param_5": 1000000,
    "substr_3": 21,
    "substr_4": 6,
    "strftime_2": "%s",
    "substr_5": 1,
    "substr_6": 19,
    "param_6": 1000000,
    "substr_7": 21,
    "substr_8": 6,
    "strftime_3": "%s",
    "substr_9": 1,
    "substr_10": 19,
    "param_7": 1000000,
    "substr_11": 21,
    "substr_12": 6,
    "strftime_4": "%s",
    "substr_13": 1,
    "substr_14": 19,
    "param_8": 1000000,
    "substr_15": 21,
    "substr_16": 6,
    "param_9": 0,
    "param_10": 1,
    "strftime_5": "%s",
    "substr_17": 1,
    "substr_18": 19,
    "param_11": 1000000,
    "substr_19": 21,
    "substr_20": 6,
    "strftime_6": "%s",
    "substr_21": 1,
    "substr_22": 19,
    "param_12": 1000000,
    "substr_23": 21,
    "substr_24": 6,
    "strftime_7": "%s",
    "substr_25": 1,
    "substr_26": 19,
    "param_13": 1000000,
    "substr_27": 21,
    "substr_28": 6,
    "strftime_8": "%s",
    "substr_29": 1,
    "substr_30": 19,
    "param_14": 1000000,
    "substr_31": 21,
    "substr_32": 6,
    "param_15": 0,
}

POSTGRESQL_AGENT = "SELECT agents.id, agents.login, agents.name, agents.role, agents.active \nFROM agents \nWHERE agents.login = %(login)s::VARCHAR"

POSTGRESQL_AGENT_CONSTANTS: dict[str, object] = {}

POSTGRESQL_PAGE = "SELECT incidents.id, incidents.number, incidents.title, coalesce(services.name, %(coalesce_1)s::VARCHAR) AS service, coalesce(contacts.name, %(coalesce_2)s::VARCHAR) AS caller, incidents.status, incidents.hold_reason, incidents.priority, incidents.major, incidents.parent_id, incidents.assignee_id, coalesce(agents_1.name, %(coalesce_3)s::VARCHAR) AS assignee, incidents.team_id, coalesce(teams.name, %(coalesce_4)s::VARCHAR) AS team, (SELECT count(calls.id) AS count_1 \nFROM calls \nWHERE calls.incident_id = incidents.id) AS calls, incidents.opened_at, incidents.updated_at, incidents.acknowledged_at, incidents.resolved_at, incidents.respond_by, incidents.resolve_by, incidents.on_hold_since, incidents.next_update_due, incidents.version, incidents.drill_id IS NOT NULL AS drill, alert_groups.alert_name, alert_groups.labels, alert_groups.first_firing_at, alert_groups.last_firing_at, alert_groups.source_url, alert_groups.state, alert_groups.alert_count, alert_groups.flapping_since IS NOT NULL AS anon_1 \nFROM incidents LEFT OUTER JOIN services ON services.id = incidents.service_id LEFT OUTER JOIN contacts ON contacts.id = incidents.caller_id LEFT OUTER JOIN agents AS agents_1 ON agents_1.id = incidents.assignee_id LEFT OUTER JOIN teams ON teams.id = incidents.team_id JOIN (SELECT ranked.id AS id, ranked.k0 AS k0, ranked.k1 AS k1, ranked.k2 AS k2, ranked.k3 AS k3, ranked.k4 AS k4 \nFROM (SELECT keyed.id AS id, keyed.k0 AS k0, CASE WHEN (keyed.\"left\" < %(left_1)s::INTEGER) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END AS k1, keyed.k2 AS k2, keyed.\"left\" AS k3, keyed.k4 AS k4 \nFROM (SELECT incidents.id AS id, CASE WHEN incidents.major THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END AS k0, incidents.priority AS k2, CASE WHEN (incidents.acknowledged_at IS NULL AND incidents.resolved_at IS NULL) THEN EXTRACT(epoch FROM incidents.respond_by) * %(param_5)s::INTEGER - %(now_micros)s::BIGINT WHEN (incidents.resolved_at IS NOT NULL) THEN EXTRACT(epoch FROM incidents.resolve_by) * %(param_6)s::INTEGER - EXTRACT(epoch FROM incidents.resolved_at) * %(param_7)s::INTEGER WHEN (incidents.on_hold_since IS NOT NULL) THEN EXTRACT(epoch FROM incidents.resolve_by) * %(param_6)s::INTEGER - EXTRACT(epoch FROM incidents.on_hold_since) * %(param_8)s::INTEGER ELSE EXTRACT(epoch FROM incidents.resolve_by) * %(param_6)s::INTEGER - %(now_micros)s::BIGINT END AS \"left\", incidents.number AS k4 \nFROM incidents \nWHERE incidents.status IN ('in_progress', 'new', 'on_hold') UNION ALL SELECT incidents.id AS id, CASE WHEN incidents.major THEN %(param_9)s::INTEGER ELSE %(param_10)s::INTEGER END AS k0, incidents.priority AS k2, CASE WHEN (incidents.acknowledged_at IS NULL AND incidents.resolved_at IS NULL) THEN EXTRACT(epoch FROM incidents.respond_by) * %(param_11)s::INTEGER - %(now_micros)s::BIGINT WHEN (incidents.resolved_at IS NOT NULL) THEN EXTRACT(epoch FROM incidents.resolve_by) * %(param_12)s::INTEGER - EXTRACT(epoch FROM incidents.resolved_at) * %(param_13)s::INTEGER WHEN (incidents.on_hold_since IS NOT NULL) THEN EXTRACT(epoch FROM incidents.resolve_by) * %(param_12)s::INTEGER - EXTRACT(epoch FROM incidents.on_hold_since) * %(param_14)s::INTEGER ELSE EXTRACT(epoch FROM incidents.resolve_by) * %(param_12)s::INTEGER - %(now_micros)s::BIGINT END AS \"left\", incidents.number AS k4 \nFROM incidents \nWHERE incidents.resolved_at >= %(resolved_since)s::TIMESTAMP WITH TIME ZONE AND (incidents.status NOT IN ('in_progress', 'new', 'on_hold'))) AS keyed) AS ranked ORDER BY ranked.k0, ranked.k1, ranked.k2, ranked.k3, ranked.k4 COLLATE \"C\" \n LIMIT %(page_limit)s::INTEGER) AS page ON page.id = incidents.id LEFT OUTER JOIN alert_groups ON alert_groups.incident_id = incidents.id ORDER BY page.k0, page.k1, page.k2, page.k3, page.k4 COLLATE \"C\""

POSTGRESQL_PAGE_CONSTANTS: dict[str, object] = {
    "coalesce_1": "",
    "coalesce_2": "",
    "coalesce_3": "",
    "coalesce_4": "",
    "left_1": 0,
    "param_1": 0,
    "param_2": 1,
    "param_3": 0,
    "param_4": 1,
    "param_5": 1000000,
    "param_6": 1000000,
    "param_7": 1000000,
    "param_8": 1000000,
    "param_9": 0,
    "param_10": 1,
    "param_11": 1000000,
    "param_12": 1000000,
    "param_13": 1000000,
    "param_14": 1000000,
}
