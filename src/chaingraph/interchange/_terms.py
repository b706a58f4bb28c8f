"""The terms an import writes, as pyoxigraph nodes made once (:mod:`chaingraph.interchange.csv_import`)."""

from __future__ import annotations

import pyoxigraph as ox

from ..vocab import CG, CURRENCY, OWL, PROV, QUDT, RDF, RDFS, SCHEMA, SKOS, UNIT, XSD

__all__ = ["BOUND_TYPES", "Terms"]

#: The datatype of a period bound by its length: YYYY, YYYY-MM, YYYY-MM-DD.
BOUND_TYPES = {
    4: ox.NamedNode(str(XSD.gYear)),
    7: ox.NamedNode(str(XSD.gYearMonth)),
    10: ox.NamedNode(str(XSD.date)),
}


class Terms:
    """The IRIs the builder writes, as pyoxigraph nodes made once: looking them up on rdflib's
    namespaces and converting them for every triple took 4 of 20 seconds per 50,000 relations."""

    ChainStage = ox.NamedNode(str(CG.ChainStage))
    Company = ox.NamedNode(str(CG.Company))
    IndustrialChain = ox.NamedNode(str(CG.IndustrialChain))
    Place = ox.NamedNode(str(CG.Place))
    ProductOrService = ox.NamedNode(str(CG.ProductOrService))
    Source = ox.NamedNode(str(CG.Source))
    Stated = ox.NamedNode(str(CG.Stated))
    InferredInSource = ox.NamedNode(str(CG.InferredInSource))
    inferenceReason = ox.NamedNode(str(CG.inferenceReason))
    SupplyRelation = ox.NamedNode(str(CG.SupplyRelation))
    altLabel = ox.NamedNode(str(SKOS.altLabel))
    sameAs = ox.NamedNode(str(OWL.sameAs))
    atStage = ox.NamedNode(str(CG.atStage))
    essentialFor = ox.NamedNode(str(CG.essentialFor))
    boolean = ox.NamedNode(str(XSD.boolean))
    client = ox.NamedNode(str(CG.client))
    date = ox.NamedNode(str(XSD.date))
    evidence = ox.NamedNode(str(CG.evidence))
    identifier = ox.NamedNode(str(SCHEMA.identifier))
    inChain = ox.NamedNode(str(CG.inChain))
    inScheme = ox.NamedNode(str(SKOS.inScheme))
    label = ox.NamedNode(str(RDFS.label))
    locatedIn = ox.NamedNode(str(CG.locatedIn))
    locationUnknown = ox.NamedNode(str(CG.locationUnknown))
    period = ox.NamedNode(str(CG.period))
    periodEnd = ox.NamedNode(str(CG.periodEnd))
    periodStart = ox.NamedNode(str(CG.periodStart))
    prefLabel = ox.NamedNode(str(SKOS.prefLabel))
    supplier = ox.NamedNode(str(CG.supplier))
    supplierOf = ox.NamedNode(str(CG.supplierOf))
    supplies = ox.NamedNode(str(CG.supplies))
    type = ox.NamedNode(str(RDF.type))
    wasDerivedFrom = ox.NamedNode(str(PROV.wasDerivedFrom))
    comparator = ox.NamedNode(str(CG.comparator))
    QuantityValue = ox.NamedNode(str(QUDT.QuantityValue))
    numericValue = ox.NamedNode(str(QUDT.numericValue))
    qudtUnit = ox.NamedNode(str(QUDT.unit))
    percent = ox.NamedNode(str(UNIT.PERCENT))
    decimal = ox.NamedNode(str(XSD.decimal))

    @staticmethod
    def currency(code: str) -> ox.NamedNode:
        return ox.NamedNode(str(CURRENCY[code]))

    @staticmethod
    def unit(name: str) -> ox.NamedNode:
        return ox.NamedNode(str(UNIT[name]))
