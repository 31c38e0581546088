"""Statements run on the DB-API cursor of a SQLAlchemy connection, for the few that every
public post runs: made once per shape (SQL text, the column types' conversions, sealing
included), so each costs the driver's work instead of SQLAlchemy's execution of a compiled
statement, which measured several times the statement itself. Errors are SQLAlchemy's.
pysqlite and psycopg only; other drivers go through SQLAlchemy. No cursor events fire.
"""

from collections import namedtuple

from sqlalchemy import exc, insert


def with_defaults(table, values: dict) -> dict:
    """`values` with the Python-side defaults of the columns it leaves out, as an INSERT
    through SQLAlchemy would fill them in."""
    missing = [column for column in table.columns if column.key not in values and column.default is not None
               and (column.default.is_scalar or column.default.is_callable)]
    if not missing:
        return values
    filled = dict(values)
    for column in missing:
        filled[column.key] = column.default.arg if column.default.is_scalar else column.default.arg(None)
    return filled


_MARKS = {("sqlite", "qmark"): "?", ("postgresql", "pyformat"): "%s"}
_INSERT_SQL: dict = {}


def _insert_sql(dialect, table, names: tuple, returning: bool):
    """The INSERT of `names` into `table` in the driver's own SQL, and each column's bind
    processor (the column types' conversion, sealing included), made once per shape."""
    key = (dialect.name, table, names, returning)
    if key not in _INSERT_SQL:
        quote = dialect.identifier_preparer
        columns = [table.c[name] for name in names]
        mark = _MARKS[(dialect.name, dialect.paramstyle)]
        sql = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.format_column(c) for c in columns)})"
               f" VALUES ({', '.join([mark] * len(columns))})")
        if returning:
            sql += " RETURNING " + ", ".join(quote.format_column(c) for c in table.primary_key)
        _INSERT_SQL[key] = sql, [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    return _INSERT_SQL[key]


def insert_rows(connection, table, rows: list[dict], returning: bool = False):
    """Insert `rows` (dicts naming the same columns, defaults filled in: with_defaults) in one
    executemany. With `returning`, the one row's primary key is returned. A duplicate key
    raises SQLAlchemy's IntegrityError; a lost server invalidates the connection."""
    dialect = connection.dialect
    if (dialect.name, dialect.paramstyle) not in _MARKS:
        result = connection.execute(insert(table), rows)
        return tuple(result.inserted_primary_key) if returning else None
    names = tuple(rows[0])
    sql, processors = _insert_sql(dialect, table, names, returning and dialect.name != "sqlite")
    params = [tuple(value if process is None else process(value)
                    for process, value in zip(processors, (row[name] for name in names))) for row in rows]
    raw = connection.connection
    cursor = raw.cursor()
    try:
        if returning:
            cursor.execute(sql, params[0])
            return (cursor.lastrowid,) if dialect.name == "sqlite" else tuple(cursor.fetchone())
        cursor.executemany(sql, params)
    except dialect.loaded_dbapi.Error as error:
        _raise_from_driver(connection, raw, cursor, error, sql, params)
    finally:
        cursor.close()
    return None


_COMPILED: dict = {}


def select_rows(connection, statement, params: dict | None = None) -> list:
    """The rows of a Core SELECT (no ORM entities; a module-level statement built once, since
    its compiled form is kept by its id) as named tuples of the selected columns. Statements
    with expanding parameters go through SQLAlchemy."""
    dialect = connection.dialect
    shape = _COMPILED.get((dialect.name, id(statement)))
    if shape is None:
        shape = _COMPILED[(dialect.name, id(statement))] = _compiled_select(dialect, statement)
    if not shape:
        return list(connection.execute(statement, params))
    compiled, sql, processors, results, row_type, _statement = shape
    values = compiled.construct_params(params)
    if compiled.positiontup is not None:
        bound = tuple(values[name] if processors[name] is None else processors[name](values[name])
                      for name in compiled.positiontup)
    else:
        bound = {name: value if processors[name] is None else processors[name](value) for name, value in values.items()}
    raw = connection.connection
    cursor = raw.cursor()
    try:
        cursor.execute(sql, bound)
        fetched = cursor.fetchall()
    except dialect.loaded_dbapi.Error as error:
        _raise_from_driver(connection, raw, cursor, error, sql, bound)
    finally:
        cursor.close()
    return [row_type(*(value if process is None else process(value) for process, value in zip(results, row)))
            for row in fetched]


def _compiled_select(dialect, statement):
    """What select_rows needs to run `statement` on `dialect`'s driver, or () to leave it to SQLAlchemy."""
    compiled = statement.compile(dialect=dialect)
    if (dialect.name, dialect.paramstyle) not in _MARKS or "POSTCOMPILE" in compiled.string:
        return ()
    processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()}
    columns = list(statement.selected_columns)
    results = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
    row_type = namedtuple("Row", [column.key for column in columns], rename=True)
    return compiled, compiled.string, processors, results, row_type, statement  # the statement kept: its id is the key


def _raise_from_driver(connection, raw, cursor, error, sql, params):
    """A driver's error as SQLAlchemy raises it (IntegrityError and so on, its parameters
    hidden when the engine hides them); a lost server invalidates the connection, so the
    pool does not hand it out again."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, raw, cursor)
    if lost:
        connection.invalidate(error)
    raise exc.DBAPIError.instance(sql, params, error, dialect.loaded_dbapi.Error, dialect=dialect,
                                  hide_parameters=connection.engine.hide_parameters,
                                  connection_invalidated=lost) from error


