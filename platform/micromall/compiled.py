"""ORM queries compiled once per process, then run as plain SQL: for the few reads on a hot path.

Building and compiling a QuerySet costs far more CPU than PostgreSQL spends answering a primary-key lookup
(order placement profile: ~0.5 ms of Python per small query). A `CompiledQuery` keeps the ORM as the one
place the SQL comes from (models, ordering, table names), compiles it once with placeholder values, and
afterwards only binds the parameters, runs the statement through Django's cursor as a server-side prepared
statement (micromall.db.prepared; query logging, execute wrappers and query budgets still see it) and
builds model instances with the field converters the ORM would apply.

    _ADDRESS = CompiledQuery(lambda pk, member_id: Address.objects.filter(pk=pk, member_id=member_id))
    address = _ADDRESS.first(7, 3)

The builder takes integer parameters only (each is replaced by a marker value while compiling), and must
return a plain queryset of its model: no select_related, only(), values() or annotations.
"""

import functools
from collections.abc import Callable

from django.db import connections
from django.db.models import BooleanField, CharField, Field, ForeignKey, IntegerField, Model, QuerySet, TextField

from .db.prepared import Statement, execute

# Distinctive integers standing for the parameters while compiling (within bigint, never a real id).
_MARK_BASE = 7_264_019_305_118_000


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], arity: int | None = None):
        self._build = build
        self._arity = build.__code__.co_argcount if arity is None else arity
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        marks = [_MARK_BASE + index for index in range(self._arity)]
        queryset = self._build(*marks)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        model = queryset.model
        names = [column.target.attname for column, _sql, _alias in compiler.select]
        if compiler.klass_info is None or compiler.klass_info["model"] is not model or compiler.annotation_col_map:
            raise ValueError("CompiledQuery needs a plain queryset of one model")
        if len(names) != len(model._meta.concrete_fields):
            raise ValueError("CompiledQuery needs every concrete field of the model selected")
        # Each parameter: ("arg", index) for a caller's value, ("const", value) for one fixed by the builder.
        binding = tuple(
            ("arg", param - _MARK_BASE) if isinstance(param, int) and param in marks else ("const", param)
            for param in params
        )
        if sum(1 for kind, _value in binding if kind == "arg") != self._arity:
            raise ValueError("every parameter must appear exactly once in the compiled SQL")
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        compiled = (Statement(sql), binding, model, names, compiler, converters)
        self._compiled[alias] = compiled
        return compiled

    def all(self, *args, using: str = "default") -> list[Model]:
        statement, binding, model, names, compiler, converters = self._compiled.get(using) or self._compile(using)
        params = [args[value] if kind == "arg" else value for kind, value in binding]
        connection = connections[using]
        with connection.cursor() as cursor:
            execute(cursor, statement, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [model.from_db(using, names, row) for row in rows]

    def first(self, *args, using: str = "default") -> Model | None:
        """The first row of the query (give the builder an ordering and a [:1] slice), or None."""
        found = self.all(*args, using=using)
        return found[0] if found else None


class CompiledInsert:
    """INSERT of model instances with the SQL built once per process (per row count): what `bulk_create`
    writes for a model whose primary key the database assigns, without the ORM's per-call compilation.

    Values are prepared by each field as the ORM does (`pre_save` sets auto_now_add, `get_db_prep_save`).
    `expressions` replaces a column's placeholder with an SQL expression around it (`%s` = the field's value),
    and `returning` names fields read back from the database (besides the primary key) onto the instances.
    """

    def __init__(self, model: type[Model], *, expressions: dict[str, str] | None = None, returning: tuple = ()):
        meta = model._meta
        self._model = model
        self._fields = [field for field in meta.local_concrete_fields if field is not meta.pk]
        # Fields whose value the ORM sends unchanged when it is already an int, str, bool or None (no pre_save
        # hook, no adaptation): such values skip pre_save/get_db_prep_save, which cost ~10 µs per field.
        self._plain = [_sends_plain_values(field) for field in self._fields]
        self._returning = [meta.pk, *(meta.get_field(name) for name in returning)]
        expressions = self._expressions = expressions or {}
        self._row = "(" + ", ".join(expressions.get(field.name, "%s") for field in self._fields) + ")"
        columns = ", ".join(f'"{field.column}"' for field in self._fields)
        self._into = f"INSERT INTO {meta.db_table} ({columns})"
        self._head = self._into + " VALUES "
        self._tail = " RETURNING " + ", ".join(f'"{field.column}"' for field in self._returning)
        self._sql: dict[int, str] = {}
        self._select_sql: dict[tuple, str] = {}

    def insert(self, objs: list[Model], using: str = "default") -> list[Model]:
        if not objs:
            return objs
        connection = connections[using]
        params = []
        for obj in objs:
            params += self.params(obj, connection)
        sql = self._sql.get(len(objs))
        if sql is None:
            sql = self._sql[len(objs)] = self._head + ", ".join([self._row] * len(objs)) + self._tail
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for obj, row in zip(objs, rows, strict=True):
            self.returned(obj, row, using)
        return objs

    def params(self, obj: Model, connection, skip: frozenset = frozenset()) -> list:
        """The values bound for one instance, as the ORM prepares them (fields named in `skip` left out)."""
        params = []
        values = obj.__dict__
        for field, plain in zip(self._fields, self._plain, strict=True):
            if field.name in skip:
                continue
            if plain and type(value := values.get(field.attname)) in _PLAIN_TYPES:
                params.append(value)
                continue
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):  # a db_default or an expression: leave it to the ORM
                raise ValueError(f"{field.name}: CompiledInsert takes plain values only")
            params.append(field.get_db_prep_save(value, connection))
        return params

    def insert_select(self, source: str, columns: dict[str, str], connection) -> str:
        """`INSERT ... SELECT <one row> FROM source RETURNING ...`, to run inside a larger statement (a CTE): the
        row is written only when `source` yields it. Fields named in `columns` take that SQL expression (no
        parameter; see params(skip=...)); the others their bound value, cast to the column's type (a SELECT list,
        unlike VALUES, does not take it from the column; text rather than varchar(n), which would cut silently)."""
        key = (source, tuple(columns.items()), connection.alias)
        sql = self._select_sql.get(key)
        if sql is None:
            row = ", ".join(columns.get(field.name) or self._cast(field, connection) for field in self._fields)
            sql = self._select_sql[key] = f"{self._into} SELECT {row} FROM {source}{self._tail}"
        return sql

    def _cast(self, field, connection) -> str:
        placeholder = self._expressions.get(field.name)
        if placeholder:
            return placeholder
        db_type = field.db_type(connection)
        return "%s::" + ("text" if db_type.startswith("varchar") else db_type)

    def returned(self, obj: Model, row, using: str = "default") -> None:
        """Put the RETURNING values (the primary key first, then `returning`) on the instance, now saved."""
        for field, value in zip(self._returning, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding, obj._state.db = False, using


_PLAIN_TYPES = (int, str, bool, type(None))


def _sends_plain_values(field) -> bool:
    if isinstance(field, ForeignKey):
        field = field.target_field
    return (
        type(field).pre_save is Field.pre_save  # the attribute as it is (no auto_now or similar)
        and isinstance(field, (IntegerField, CharField, TextField, BooleanField))
        and not field.has_db_default()
    )


def build(model: type[Model], /, **values) -> Model:
    """`model(**values)` through the positional path of Model.__init__: a third of the CPU for a wide model (an order
    has 37 fields: 24 µs -> 8 µs). `values` name fields by attname (`member_id`) or, for a relation, by name with the
    related instance (`member=member`: its pk is taken now, and it is cached on the instance as assignment would);
    the fields not named take their defaults."""
    args = []
    related = []
    for attname, name, field in _layout(model):
        if attname in values:
            args.append(values.pop(attname))
        elif name in values:
            other = values.pop(name)
            related.append((name, other))
            args.append(None if other is None else getattr(other, field.target_field.attname))
        else:
            args.append(field.get_default())
    if values:
        raise TypeError(f"{model.__name__} has no field named {', '.join(values)}")
    instance = model(*args)
    for name, other in related:
        instance._state.fields_cache[name] = other
    return instance


@functools.cache
def _layout(model: type[Model]) -> tuple:
    """Per concrete field in order: (attname, the relation's name or None, field)."""
    return tuple(
        (field.attname, field.name if field.is_relation else None, field) for field in model._meta.concrete_fields
    )
