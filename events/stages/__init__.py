"""The pipeline's stages, data flowing one way through the values of `events.model`:

fetch → expand → understand → select → pages → arrange → render

Each stage composes the rules of `events.rules` (and the registry); none imports another
stage. `events.pipeline` is what runs them in order.
"""
